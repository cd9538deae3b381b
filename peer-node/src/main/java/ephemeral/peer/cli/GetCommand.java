package ephemeral.peer.cli;

import ephemeral.peer.PageUnavailableException;
import ephemeral.peer.PeerNode;
import ephemeral.peer.SignalingUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Fetch a page once from whoever holds it, verify its hash, write it to a file or stdout.")
final class GetCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "HASH", converter = Main.HashArg.class, description = "The page's hash (or its link).")
    String hash;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the page here instead of stdout ('-' is stdout).")
    String output;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Sizes.Time.class, defaultValue = "30s",
            description = "Give up when the page cannot be had within this time. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        common.configureLogging();
        PrintWriter err = spec.commandLine().getErr();
        byte[] bytes;
        try (PeerNode node = PeerNode.start(common.config(null))) {
            try (Progress p = new Progress(node, hash, !common.quiet)) {
                bytes = node.get(hash, timeout);
            }
        } catch (SignalingUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.SERVER_UNREACHABLE;
        } catch (PageUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.PAGE_UNAVAILABLE;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return Main.IO_ERROR;
        }
        try {
            if (output == null || output.equals("-")) {
                System.out.write(bytes);
                System.out.flush();
            } else {
                Files.write(Path.of(output), bytes);
                if (!common.quiet) {
                    err.println("wrote " + bytes.length + " bytes to " + output);
                }
            }
        } catch (IOException | RuntimeException e) {
            err.println("error: cannot write " + output + ": " + e.getMessage());
            return Main.IO_ERROR;
        }
        return 0;
    }
}
