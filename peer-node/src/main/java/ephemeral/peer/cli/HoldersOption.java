package ephemeral.peer.cli;

import ephemeral.peer.PeerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How many holders a big page is fetched from at once (the commands that fetch: get, pin, seed). */
final class HoldersOption {
    @Option(names = "--holders", paramLabel = "N", defaultValue = "3",
            description = "Fetch a page of 8 MiB or more from up to N holders at once, each sending its own range "
                    + "(1: one holder at a time). Default: ${DEFAULT-VALUE}.")
    int holders;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    PeerConfig apply(PeerConfig config) {
        if (holders < 1 || holders > 16) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--holders must be 1 to 16, not " + holders);
        }
        return config.withHoldersPerPage(holders);
    }
}
