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
        try {
            for (Input in : inputs) {
                String hash = node.share(in.bytes(), in.name(), in.mime());
                System.out.println(node.link(hash));
            }
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            node.close();
            return Main.IO_ERROR;
        }
        System.out.flush();
        if (!common.quiet) {
            err.println("serving " + inputs.size() + " page(s); Ctrl-C to stop");
            err.flush();
        }
        return Serve.untilStopped(node);
    }
}
