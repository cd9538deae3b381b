package ephemeral.peer.cli;

import ephemeral.peer.PeerConfig;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every command that talks to a server takes: which server, how long to try, how much to say. */
final class CommonOptions {
    static final String DEFAULT_SERVER = "http://localhost:8080";

    @Option(names = "--server", paramLabel = "URL", converter = ServerArg.class,
            description = "Signaling server: the base URL people open (links are URL/<hash>), or ws(s)://host:port/ws. "
                    + "Default: the server of the link given, else " + DEFAULT_SERVER + ".")
    String server;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = Sizes.Time.class, defaultValue = "10s",
            description = "Give up (exit 3) when the server cannot be reached at start within this time. Default: ${DEFAULT-VALUE}.")
    java.time.Duration connectTimeout;

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors on stderr.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging on stderr.")
    boolean verbose;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    /** Must run before any logger is created: slf4j-simple reads these once. */
    void configureLogging() {
        String level = verbose ? "debug" : quiet ? "warn" : "info";
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        if (!verbose) {
            // the per-link/per-channel chatter is only useful when debugging
            System.setProperty("org.slf4j.simpleLogger.log.ephemeral.peer.rtc", "warn");
        }
    }

    /**
     * The server to talk to: {@code --server} when given, else the one the links name (they must agree),
     * else the default.
     */
    String serverFor(List<PageLink> links) {
        if (server != null) {
            return server;
        }
        String fromLinks = null;
        for (PageLink l : links) {
            if (l.server() == null) {
                continue;
            }
            if (fromLinks != null && !fromLinks.equals(l.server())) {
                throw new CommandLine.ParameterException(mixee.commandLine(),
                        "the links name different servers (" + fromLinks + ", " + l.server() + "): give --server");
            }
            fromLinks = l.server();
        }
        return fromLinks != null ? fromLinks : DEFAULT_SERVER;
    }

    PeerConfig config(String serverUrl) {
        return PeerConfig.defaults().withServer(serverUrl).withConnectTimeout(connectTimeout);
    }
}
