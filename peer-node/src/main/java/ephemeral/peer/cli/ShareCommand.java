package ephemeral.peer.cli;

import ephemeral.peer.PeerNode;
import ephemeral.peer.SignalingUnavailableException;
import java.io.IOException;
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
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.signaling.ServerMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "share", mixinStandardHelpOptions = true,
        description = "Hold and serve files (or stdin with '-'); print each page's link on stdout, then serve until stopped.")
final class ShareCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to share; '-' reads stdin.")
    List<String> files;

    @CommandLine.Option(names = "--keep", paramLabel = "DURATION", arity = "0..1", fallbackValue = "7d",
            converter = Sizes.Time.class,
            description = "Ask a volunteer seed to keep each page alive after this process stops (for DURATION; "
                    + "without one, 7d; the seed may keep it for less).")
    java.time.Duration keep;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private record Input(byte[] bytes, String name, String mime) {}

    @Override
    public Integer call() {
        common.configureLogging();
        PrintWriter err = spec.commandLine().getErr();
        List<Input> inputs = new ArrayList<>();
        for (String f : files) {
            try {
                if (f.equals("-")) {
                    inputs.add(new Input(System.in.readAllBytes(), null, null));
                } else {
                    Path p = Path.of(f);
                    inputs.add(new Input(Files.readAllBytes(p), p.getFileName().toString(), Files.probeContentType(p)));
                }
            } catch (IOException | RuntimeException e) {
                err.println("error: cannot read " + f + ": " + e.getMessage());
                return Main.IO_ERROR;
            }
            if (inputs.get(inputs.size() - 1).bytes().length > common.maxPageBytes) {
                err.println("error: " + f + " is larger than --max-page-size (" + common.maxPageBytes + " bytes)");
                return Main.IO_ERROR;
            }
        }
        PeerNode node;
        try {
            node = PeerNode.start(common.config(null));
        } catch (SignalingUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.SERVER_UNREACHABLE;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return Main.IO_ERROR;
        }
        List<String> hashes = new ArrayList<>();
        try {
            for (Input in : inputs) {
                String hash = node.share(in.bytes(), in.name(), in.mime());
                hashes.add(hash);
                System.out.println(node.link(hash));
            }
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
