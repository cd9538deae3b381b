package ephemeral.peer.cli;

import ephemeral.peer.PeerConfig;
import picocli.CommandLine.Option;

/** The budget for held pages (share and pin; a volunteer seed has --capacity instead). */
final class MemoryOption {
    @Option(names = "--memory", paramLabel = "SIZE", converter = Sizes.Size.class, defaultValue = "512M",
            description = "Budget for held pages (in memory, or on disk with --store). Default: ${DEFAULT-VALUE}.")
    long memoryBudget;

    PeerConfig apply(PeerConfig config) {
        return config.withMemoryBudgetBytes(memoryBudget);
    }
}
