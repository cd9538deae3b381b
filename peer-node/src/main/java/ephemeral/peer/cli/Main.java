package ephemeral.peer.cli;

import ephemeral.peer.PeerNode;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code java -jar peer-node.jar share|pin|get …}. Exit codes: 0 ok, 1 page not had in time,
 * 2 bad arguments, 3 signaling server unreachable, 4 file or store error.
 */
@Command(name = "peer-node", mixinStandardHelpOptions = true, version = "peer-node 0.1.0",
        description = "Headless peer for ephemeral peer-to-peer pages: share, pin and get pages by hash; publish live pages; volunteer as a seed.",
        subcommands = {ShareCommand.class, PinCommand.class, GetCommand.class, SeedCommand.class, PublishCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:page could not be had in time", "2:bad arguments",
                "3:signaling server unreachable", "4:file or store error"})
public final class Main implements Runnable {
    static final int PAGE_UNAVAILABLE = 1;
    static final int USAGE = 2;
    static final int SERVER_UNREACHABLE = 3;
    static final int IO_ERROR = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: share, pin, get, seed or publish");
    }

    public static void main(String[] args) {
        int code = run(args);
        quietNativeStdout();
        // the native factory keeps a non-daemon thread: dispose it, then leave
        PeerNode.disposeNative();
        System.exit(code);
    }

    /**
     * libwebrtc prints "VM attach current thread failed" to file descriptor 1 when the process ends, which
     * would corrupt a page written to stdout or a list of links. Closing {@code System.out} makes the JDK
     * point descriptor 1 at /dev/null (it never really closes 0, 1 or 2), after our output is flushed.
     */
    static void quietNativeStdout() {
        System.out.flush();
        System.err.flush();
        System.out.close();
    }

    /** Runs a command in-process and returns its exit code (nodes closed, native factory left alive). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : PAGE_UNAVAILABLE);
        // a mistyped argument gets its reason and a pointer to --help, not the whole usage
        cl.setParameterExceptionHandler((e, arguments) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("error: " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return PAGE_UNAVAILABLE;
        });
        return cl.execute(args);
    }

}
