package ephemeral.peer.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Converters for human-friendly sizes ({@code 64M}, {@code 10k}) and durations ({@code 30}, {@code 30s}, {@code 500ms}, {@code 2m}, {@code 6h}, {@code 7d}). */
final class Sizes {
    private Sizes() {}

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 20.0 GiB}: for people, not for parsing. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static final class Size implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toUpperCase(Locale.ROOT);
            long mult = 1;
            if (v.endsWith("B")) {
                v = v.substring(0, v.length() - 1);
            }
            if (v.endsWith("K")) {
                mult = 1L << 10;
            } else if (v.endsWith("M")) {
                mult = 1L << 20;
            } else if (v.endsWith("G")) {
                mult = 1L << 30;
            }
            if (mult != 1) {
                v = v.substring(0, v.length() - 1);
            }
            try {
                long n = Long.parseLong(v.trim());
                if (n <= 0) {
                    throw new CommandLine.TypeConversionException("must be positive: " + value);
                }
                return Math.multiplyExact(n, mult);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("not a size (e.g. 65536, 512k, 64M, 1G): " + value);
            }
        }
    }

    static final class Time implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                Duration d;
                if (v.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                } else if (v.endsWith("h")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 3_600_000));
                } else if (v.endsWith("d")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 86_400_000));
                } else if (v.endsWith("m")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
                } else {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
                }
                if (d.isNegative() || d.isZero()) {
                    throw new CommandLine.TypeConversionException("must be positive: " + value);
                }
                return d;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not a duration (e.g. 30, 30s, 500ms, 2m, 6h, 7d): " + value);
            }
        }
    }
}
