package ephemeral.peer.cli;

import ephemeral.peer.PeerNode;
import ephemeral.peer.SignalingUnavailableException;
import ephemeral.protocol.live.LiveKey;
import ephemeral.protocol.live.LiveVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish a file (or stdin with '-') as the next version of a live page: signed with the",
                "author's key, sent to every holder of the page over their mesh. Prints the page's link on",
                "stdout, then holds and serves the page, following later versions, until stopped."},
        footerHeading = "%nExamples:%n",
        footer = {"  peer-node publish --key notes.key --new notes.md   (a new live page; keep notes.key secret)",
                "  peer-node publish --key notes.key notes.md         (its next version, from here or another machine)"})
final class PublishCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PAGE", description = "The file to publish; '-' reads stdin.")
    String page;

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "The author's key pair (PEM, as OpenSSL writes Ed25519 keys). Whoever has it can publish.")
    Path keyFile;

    @Option(names = "--new", description = "Make a new key pair in FILE (which must not exist): a new live page.")
    boolean fresh;

    @Option(names = "--learn", paramLabel = "DURATION", converter = Sizes.Time.class, defaultValue = "10s",
            description = "How long to wait for the page's holders to say which version they have, so this one "
                    + "comes next. Default: ${DEFAULT-VALUE}.")
    Duration learn;

    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        common.configureLogging();
        PrintWriter err = spec.commandLine().getErr();
        byte[] bytes;
        KeyPair pair;
        try {
            bytes = page.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(page));
        } catch (IOException e) {
            err.println("error: cannot read " + page + ": " + Files2.reason(e));
            return Main.IO_ERROR;
        }
        try {
            if (fresh) {
                KeyFile.requireAbsent(keyFile);
                pair = KeyFile.create(keyFile);
                err.println("made a new key in " + keyFile + ": keep it; whoever has it can publish this page");
            } else {
                pair = KeyFile.read(keyFile);
            }
        } catch (NoSuchFileException e) {
            err.println("error: no key file " + keyFile + ": give --new to make one (a new live page)");
            return Main.IO_ERROR;
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + (e instanceof IOException io ? Files2.reason(io) : e.getMessage()));
            return Main.IO_ERROR;
        }
        LiveKey key = LiveKey.of((PublicKey) pair.getPublic());
        PeerNode node;
        try {
            node = PeerNode.start(common.config(common.serverFor(List.of())));
        } catch (SignalingUnavailableException e) {
            err.println("error: " + e.getMessage());
            return Main.SERVER_UNREACHABLE;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return Main.IO_ERROR;
        }
        LiveVersion v;
        try {
            v = node.publish(pair.getPrivate(), key, bytes, fresh ? Duration.ZERO : learn);
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            node.close();
            return Main.IO_ERROR;
        }
        System.out.println(node.config().server().liveLink(key));
        System.out.flush();
        if (!common.quiet) {
            err.println("published version " + v.seq() + " (" + v.size() + " bytes, page " + v.hash() + ")");
            err.println("serving; Ctrl-C to stop");
            err.flush();
        }
        node.follow(key, later -> {
            if (!later.equals(v) && !common.quiet) {
                err.println(Instant.now() + " version " + later.seq() + " (" + later.size() + " bytes), published elsewhere");
                err.flush();
            }
        });
        return Serve.untilStopped(node);
    }
}
