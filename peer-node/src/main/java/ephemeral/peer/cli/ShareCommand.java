package ephemeral.peer.cli;

import ephemeral.peer.PeerNode;
import ephemeral.peer.SignalingUnavailableException;
import ephemeral.peer.store.Body;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Instant;
import ephemeral.peer.privacy.PrivatePage;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.signaling.ServerMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "share", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Hold and serve files (or stdin with '-'); print one line per page on stdout, '<link>  <file>',",
                "then serve until stopped."},
        footerHeading = "%nExamples:%n",
        footer = {"  peer-node share --server https://pages.example.org notes.txt photo.jpg",
                "  echo 'door code 4711' | peer-node share --private -     (only someone with the whole link can read it)",
                "  peer-node share --keep 1d notes.txt                     (and hand it to a volunteer seed for a day)"})
final class ShareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to share; '-' reads stdin.")
    List<String> files;

    @CommandLine.Option(names = "--private",
            description = "Encrypt each page first (AES-GCM, a fresh key per page): its address is the hash of the "
                    + "ciphertext and the key travels only in the link's fragment (#k=…).")
    boolean privately;

    @CommandLine.Option(names = "--keep", paramLabel = "DURATION", arity = "0..1", fallbackValue = "7d",
            converter = Sizes.Time.class,
            description = "Ask a volunteer seed to keep each page alive after this process stops (for DURATION; "
                    + "without one, 7d; the seed may keep it for less).")
    java.time.Duration keep;

    @Mixin
    CommonOptions common;

    @Mixin
    ServingOptions serving;

    @Mixin
    MemoryOption memory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A big file is shared from where it lies (hashed and served a block at a time); stdin is read into memory. */
    private record Input(Body body, String name, String mime) {}

    @Override
    public Integer call() {
        common.configureLogging();
        PrintWriter err = spec.commandLine().getErr();
        List<Input> inputs = new ArrayList<>();
        for (String f : files) {
            try {
                if (f.equals("-")) {
                    inputs.add(new Input(Body.of(System.in.readAllBytes()), null, null));
                } else {
                    Path p = Path.of(f);
                    try (InputStream probeRead = Files.newInputStream(p)) {
                        probeRead.read(); // a missing, unreadable or directory path fails here, as it would later
                    }
                    inputs.add(new Input(Body.ofFile(p), p.getFileName().toString(), probe(p)));
                }
            } catch (IOException e) {
                err.println("error: cannot read " + f + ": " + Files2.reason(e));
                return Main.IO_ERROR;
            }
            if (inputs.get(inputs.size() - 1).body().size() > serving.maxPageBytes) {
                err.println("error: " + f + " is larger than --max-page-size (" + serving.maxPageBytes + " bytes)");
                return Main.IO_ERROR;
            }
        }
        PeerNode node;
        try {
            node = PeerNode.start(memory.apply(serving.apply(common.config(common.serverFor(List.of())))));
        } catch (SignalingUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.SERVER_UNREACHABLE;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return Main.IO_ERROR;
        }
        List<String> hashes = new ArrayList<>();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                Input in = inputs.get(i);
                String link;
                if (privately) {
                    PrivatePage.Sealed sealed = PrivatePage.seal(in.body().readAll()); // sealed in memory
                    String hash = node.share(sealed.bytes(), in.name(), in.mime());
                    hashes.add(hash);
                    link = node.link(hash) + "&k=" + sealed.key();
                } else {
                    String hash = node.share(in.body(), in.name(), in.mime());
                    hashes.add(hash);
                    link = node.link(hash);
                }
                // the link first, as the one field a script needs; the file it came from after two spaces
                System.out.println(link + "  " + files.get(i));
            }
        } catch (IOException e) {
            err.println("error: cannot read " + files.get(hashes.size()) + ": " + Files2.reason(e));
            node.close();
            return Main.IO_ERROR;
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            node.close();
            return Main.IO_ERROR;
        }
        System.out.flush();
        if (keep != null) {
            askToKeep(node, hashes, err);
        }
        if (!common.quiet) {
            err.println("serving " + inputs.size() + " page(s); Ctrl-C to stop");
            err.flush();
        }
        return Serve.untilStopped(node);
    }

    private static String probe(Path p) {
        try {
            return Files.probeContentType(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** Each page handed to a volunteer seed; a refusal is reported, and this process serves on regardless. */
    private void askToKeep(PeerNode node, List<String> hashes, PrintWriter err) {
        for (String hash : hashes) {
            try {
                ServerMessage.Kept kept = node.keep(hash, keep)
                        .get(Timeouts.KEEP_ANSWER_MS + 10_000, TimeUnit.MILLISECONDS);
                err.println("kept by volunteer seed " + kept.by().substring(0, 6) + "… until "
                        + Instant.ofEpochSecond(kept.until()) + ": " + hash);
            } catch (ExecutionException e) {
                err.println("warning: no volunteer seed keeps " + hash + ": " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                err.println("warning: no volunteer seed answered for " + hash);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            err.flush();
        }
    }
}
