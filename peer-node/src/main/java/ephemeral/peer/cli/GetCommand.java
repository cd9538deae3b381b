package ephemeral.peer.cli;

import ephemeral.peer.PageUnavailableException;
import ephemeral.peer.PeerNode;
import ephemeral.peer.SignalingUnavailableException;
import ephemeral.peer.privacy.PrivatePage;
import ephemeral.peer.store.AtomicFiles;
import ephemeral.peer.store.Body;
import ephemeral.peer.store.Page;
import ephemeral.protocol.live.LiveVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fetch a page once from whoever holds it, verify its hash, write it to a file or stdout.",
        footerHeading = "%nExamples:%n",
        footer = {"  peer-node get -o notes.txt 'https://pages.example.org/3f2a…#n=120'   (the server comes from the link)",
                "  peer-node get --server https://pages.example.org 3f2a… > notes.txt",
                "  peer-node get 'https://pages.example.org/3f2a…#n=64&k=…'             (a private link: decrypted)",
                "  peer-node get https://pages.example.org/live/11qYAYKx…                 (a live page: its newest version)"})
final class GetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LINK", converter = PageLink.Arg.class,
            description = "The page's link, as a browser copies it, or its hash; or a live page's link (…/live/<key>).")
    PageLink page;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the page here ('-': stdout, even a binary page on a terminal). Checked before fetching.")
    String output;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Sizes.Time.class, defaultValue = "30s",
            description = "Give up when the page cannot be had within this time. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--max-page-size", paramLabel = "SIZE", converter = Sizes.Size.class, defaultValue = "64M",
            description = "Largest page accepted. Default: ${DEFAULT-VALUE}.")
    long maxPageBytes;

    @Mixin
    CommonOptions common;

    @Mixin
    HoldersOption holders;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        common.configureLogging();
        PrintWriter err = spec.commandLine().getErr();
        String server = common.serverFor(List.of(page));
        boolean toFile = output != null && !output.equals("-");
        if (toFile) {
            String why = Files2.whyUnwritable(Path.of(output));
            if (why != null) {
                err.println("error: cannot write " + output + ": " + why);
                return Main.IO_ERROR;
            }
        }
        // spooled beside the output file, a big page ends there by a rename
        Path spool = toFile ? Path.of(output).toAbsolutePath().getParent() : null;
        try (PeerNode node = PeerNode.start(holders.apply(common.config(server)).withMaxPageBytes(maxPageBytes).withSpoolDir(spool))) {
            Page got;
            if (page.live() != null) {
                LiveVersion v = node.awaitLive(page.live(), 1, timeout);
                got = node.store().get(v.hash()).orElseThrow();
                if (!common.quiet) {
                    err.println("version " + v.seq() + " of " + page.live().address() + node.liveEquivocation(page.live())
                            .map(e -> " (its author signed two versions " + e.seq() + "; every peer keeps this one)").orElse(""));
                }
            } else {
                try (Progress p = new Progress(node, page.hash(), !common.quiet)) {
                    got = node.getPage(page.hash(), timeout);
                }
            }
            return deliver(got, toFile, err); // before the node closes, which deletes its spool
        } catch (SignalingUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.SERVER_UNREACHABLE;
        } catch (PageUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.PAGE_UNAVAILABLE;
        } catch (IOException e) {
            err.println("error: " + Files2.reason(e));
            return Main.IO_ERROR;
        }
    }

    /** Writes a verified page where it was asked for: decrypted if the link has a key, streamed if not. */
    private int deliver(Page got, boolean toFile, PrintWriter err) throws IOException {
        Body body = got.body();
        if (page.key() == null && PrivatePage.isSealed(head(body))) {
            err.println("error: page " + got.hash() + " is private and this link has no key (the #k=… part): "
                    + "ask whoever shared it for the whole link");
            return Main.PAGE_UNAVAILABLE;
        }
        if (page.key() != null) {
            try {
                body = Body.of(PrivatePage.open(body.readAll(), page.key())); // private pages open in memory
            } catch (GeneralSecurityException e) {
                err.println("error: page " + got.hash() + " arrived and matches its address, but the key in the link does not open it ("
                        + e.getMessage() + ")");
                return Main.PAGE_UNAVAILABLE;
            }
        }
        if (!common.quiet) {
            err.println("verified " + got.hash() + " (" + got.size() + " bytes" + (page.key() != null ? ", decrypted to " + body.size() : "") + ")");
        }
        if (output == null && System.console() != null && !isText(body)) {
            err.println("error: the page is binary (" + body.size() + " bytes) and stdout is a terminal: "
                    + "give -o FILE, or -o - to write it here anyway");
            return Main.USAGE;
        }
        try {
            if (!toFile) {
                try (InputStream in = body.openAt(0)) {
                    in.transferTo(System.out);
                }
                System.out.flush();
            } else {
                AtomicFiles.write(Path.of(output), body);
                if (!common.quiet) {
                    err.println("wrote " + body.size() + " bytes to " + output);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            err.println("error: cannot write " + output + ": " + Files2.reason(cause));
            return Main.IO_ERROR;
        }
        return 0;
    }

    /** Enough of the first bytes to tell a private page by its magic. */
    private static byte[] head(Body body) throws IOException {
        try (InputStream in = body.openAt(0)) {
            return in.readNBytes(64);
        }
    }

    /** Text, for a terminal: a page of 8 MiB or more is not shown on one, whatever it holds. */
    private static boolean isText(Body body) {
        return body.size() < Body.ON_DISK_FROM && isText(body.readAll());
    }

    /** UTF-8 without control characters other than tab, newline, carriage return, form feed and escape. */
    static boolean isText(byte[] bytes) {
        for (byte b : bytes) {
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1b || b == 0x7f) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
