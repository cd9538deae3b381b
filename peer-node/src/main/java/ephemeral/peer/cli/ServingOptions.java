package ephemeral.peer.cli;

import ephemeral.peer.PeerConfig;
import picocli.CommandLine.Option;

/** Options of the commands that hold and serve pages (share, pin, seed). */
final class ServingOptions {
    @Option(names = "--max-page-size", paramLabel = "SIZE", converter = Sizes.Size.class, defaultValue = "64M",
            description = "Largest page served or accepted. Default: ${DEFAULT-VALUE}.")
    long maxPageBytes;

    @Option(names = "--max-serves", paramLabel = "N", defaultValue = "64",
            description = "Transfers served at once; more are refused with 'busy'. Default: ${DEFAULT-VALUE}.")
    int maxServes;

    PeerConfig apply(PeerConfig config) {
        return config.withMaxPageBytes(maxPageBytes).withMaxConcurrentServes(maxServes);
    }
}
