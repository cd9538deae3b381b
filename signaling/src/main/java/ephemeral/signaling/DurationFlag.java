package ephemeral.signaling;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A command-line duration as people write it: {@code 90s}, {@code 30m}, {@code 6h}, {@code 1d}. */
final class DurationFlag implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        if (value.matches("[0-9]{1,9}[smhd]")) {
            long n = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        throw new TypeConversionException("expected a number and a unit (s, m, h or d), e.g. 6h; got " + value);
    }
}
