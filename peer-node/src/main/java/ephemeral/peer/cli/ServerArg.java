package ephemeral.peer.cli;

import ephemeral.peer.signaling.ServerUrl;
import picocli.CommandLine;

/** {@code --server} is checked while parsing: a bad URL is a usage error (exit 2), not a failed connection. */
final class ServerArg implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            ServerUrl.parse(value);
            return value.trim();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
