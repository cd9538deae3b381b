package ephemeral.peer.cli;

import ephemeral.peer.PeerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "Signaling server: the base URL people open (links are URL/<hash>), or ws(s)://host:port/ws. Default: ${DEFAULT-VALUE}.")
    String server;

    @Option(names = "--max-page-size", paramLabel = "SIZE", converter = Sizes.Size.class, defaultValue = "64M",
            description = "Largest page served or accepted. Default: ${DEFAULT-VALUE}.")
    long maxPageBytes;

    @Option(names = "--max-serves", paramLabel = "N", defaultValue = "64",
            description = "Transfers served at once; more are refused with 'busy'. Default: ${DEFAULT-VALUE}.")
    int maxServes;

    @Option(names = "--memory", paramLabel = "SIZE", converter = Sizes.Size.class, defaultValue = "512M",
            description = "Budget for held pages (in memory, or on disk with --store). Default: ${DEFAULT-VALUE}.")
    long memoryBudget;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = Sizes.Time.class, defaultValue = "10s",
            description = "Give up (exit 3) when the server cannot be reached at start within this time. Default: ${DEFAULT-VALUE}.")
    java.time.Duration connectTimeout;

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors on stderr.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Debug logging on stderr.")
    boolean verbose;

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

    PeerConfig config(Path storeDir) {
        return PeerConfig.defaults()
                .withServer(server)
                .withMaxPageBytes(maxPageBytes)
                .withMaxConcurrentServes(maxServes)
                .withMemoryBudgetBytes(memoryBudget)
                .withStoreDir(storeDir)
                .withConnectTimeout(connectTimeout);
    }
}
