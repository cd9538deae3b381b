package ephemeral.peer.rtc;

import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code welcome} says about ICE: the STUN/TURN servers to use and whether only relayed paths may be. */
public record Ice(List<IceServer> servers, IceTransportPolicy policy) {
    /** Before the first {@code welcome}: host candidates only. */
    public static final Ice NONE = new Ice(List.of(), IceTransportPolicy.ALL);

    public Ice {
        servers = List.copyOf(servers);
    }

    /** Never reconnect for fresh credentials sooner than this after a {@code welcome} (a tiny TTL is a server mistake). */
    static final Duration MIN_REFRESH = Duration.ofSeconds(60);
    /** Fresh credentials are fetched this long before the old ones expire, at most (a tenth of their life if less). */
    static final Duration MAX_MARGIN = Duration.ofMinutes(5);
    private static final Pattern EXPIRING = Pattern.compile("^(\\d{1,12}):");

    /** When the first TURN credential of these expires (usernames {@code <expiry>:<peerId>}), if any does. */
    public Optional<Instant> credentialsExpire() {
        return servers.stream()
                .map(s -> s.username() == null ? null : EXPIRING.matcher(s.username()))
                .filter(m -> m != null && m.find())
                .map(m -> Instant.ofEpochSecond(Long.parseLong(m.group(1))))
                .min(Instant::compareTo);
    }

    /**
     * How long after a {@code welcome} received at {@code now} to reconnect for fresh TURN credentials, so
     * that connections made later still get through the relay; empty when none expire.
     */
    public Optional<Duration> refreshAfter(Instant now) {
        return credentialsExpire().map(expiry -> {
            Duration life = Duration.between(now, expiry);
            Duration margin = life.dividedBy(10).compareTo(MAX_MARGIN) < 0 ? life.dividedBy(10) : MAX_MARGIN;
            Duration at = life.minus(margin);
            return at.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : at;
        });
    }

    /** Whether some server of these can relay (a TURN URL), for telling a user why nothing connects. */
    public boolean hasRelay() {
        return servers.stream().flatMap(s -> s.urls().stream()).anyMatch(u -> u.startsWith("turn"));
    }
}
