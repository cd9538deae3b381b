package ephemeral.peer.cli;

import ephemeral.peer.PageUnavailableException;
import ephemeral.peer.PeerNode;
import ephemeral.peer.SignalingUnavailableException;
import ephemeral.peer.privacy.PrivatePage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
                "  peer-node get 'https://pages.example.org/3f2a…#n=64&k=…'             (a private link: decrypted)"})
final class GetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LINK", converter = PageLink.Arg.class,
            description = "The page's link, as a browser copies it, or its hash.")
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
        byte[] bytes;
        try (PeerNode node = PeerNode.start(common.config(server).withMaxPageBytes(maxPageBytes))) {
            try (Progress p = new Progress(node, page.hash(), !common.quiet)) {
                bytes = node.get(page.hash(), timeout);
            }
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
        int received = bytes.length;
        if (page.key() == null && PrivatePage.isSealed(bytes)) {
            err.println("error: page " + page.hash() + " is private and this link has no key (the #k=… part): "
                    + "ask whoever shared it for the whole link");
            return Main.PAGE_UNAVAILABLE;
        }
        if (page.key() != null) {
            try {
                bytes = PrivatePage.open(bytes, page.key());
            } catch (GeneralSecurityException e) {
                err.println("error: page " + page.hash() + " arrived and matches its address, but the key in the link does not open it ("
                        + e.getMessage() + ")");
                return Main.PAGE_UNAVAILABLE;
            }
        }
        if (!common.quiet) {
            err.println("verified " + page.hash() + " (" + received + " bytes" + (page.key() != null ? ", decrypted to " + bytes.length : "") + ")");
        }
        if (output == null && System.console() != null && !isText(bytes)) {
            err.println("error: the page is binary (" + bytes.length + " bytes) and stdout is a terminal: "
                    + "give -o FILE, or -o - to write it here anyway");
            return Main.USAGE;
        }
        try {
            if (!toFile) {
                System.out.write(bytes);
                System.out.flush();
            } else {
                Files.write(Path.of(output), bytes);
                if (!common.quiet) {
                    err.println("wrote " + bytes.length + " bytes to " + output);
                }
            }
        } catch (IOException e) {
            err.println("error: cannot write " + output + ": " + Files2.reason(e));
            return Main.IO_ERROR;
        }
        return 0;
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
