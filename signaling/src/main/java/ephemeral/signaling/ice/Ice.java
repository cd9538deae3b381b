package ephemeral.signaling.ice;

import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code welcome} tells clients about ICE: fixed STUN/TURN servers, TURN servers that get short-lived
 * credentials per connection (coturn's {@code use-auth-secret} scheme, see {@link TurnCredentials}), and the
 * transport policy.
 *
 * @param servers    handed to every client as they are ({@code --ice-server}, {@code --stun-url})
 * @param turnUrls   TURN servers sharing {@code turnSecret} ({@code --turn-url}); empty = none
 * @param turnSecret coturn's {@code static-auth-secret}; null when there are no {@code turnUrls}
 * @param turnTtl    how long a handed-out credential works
 * @param policy     {@code relay}: clients use relayed candidates only
 */
public record Ice(List<IceServer> servers, List<String> turnUrls, String turnSecret, Duration turnTtl,
                  IceTransportPolicy policy) {

    public static final Duration DEFAULT_TURN_TTL = Duration.ofHours(6);
    /** Host candidates only, as the README's start command runs. */
    public static final Ice NONE = new Ice(List.of(), List.of(), null, DEFAULT_TURN_TTL, IceTransportPolicy.ALL);

    public Ice {
        servers = List.copyOf(servers);
        turnUrls = List.copyOf(turnUrls);
        if (turnTtl == null || turnTtl.isNegative() || turnTtl.isZero()) {
            throw new IllegalArgumentException("the TURN credential lifetime must be positive, got " + turnTtl);
        }
        if (policy == null) {
            throw new IllegalArgumentException("the ICE transport policy must not be null");
        }
        for (String url : turnUrls) {
            if (!url.matches("^turns?:[^\\s?]+(\\?transport=(udp|tcp))?$")) {
                throw new IllegalArgumentException("a TURN URL is turn:HOST:PORT or turns:HOST:PORT, optionally "
                        + "followed by ?transport=udp or ?transport=tcp; got " + url);
            }
        }
        boolean secret = turnSecret != null && !turnSecret.isEmpty();
        if (!turnUrls.isEmpty() && !secret) {
            throw new IllegalArgumentException("--turn-url needs --turn-secret (or TURN_SECRET): coturn's static-auth-secret");
        }
        if (turnUrls.isEmpty() && secret) {
            throw new IllegalArgumentException("--turn-secret is set but no --turn-url says where the TURN server is");
        }
        if (policy == IceTransportPolicy.RELAY && turnUrls.isEmpty()
                && servers.stream().flatMap(s -> s.urls().stream()).noneMatch(u -> u.startsWith("turn"))) {
            throw new IllegalArgumentException("--ice-transport-policy relay needs a TURN server (--turn-url), "
                    + "else no two peers could ever connect");
        }
    }

    public Ice withServers(List<IceServer> s) {
        return new Ice(s, turnUrls, turnSecret, turnTtl, policy);
    }

    public Ice withTurn(List<String> urls, String secret, Duration ttl) {
        return new Ice(servers, urls, secret, ttl, policy);
    }

    public Ice withPolicy(IceTransportPolicy p) {
        return new Ice(servers, turnUrls, turnSecret, turnTtl, p);
    }

    /** The {@code iceServers} of one connection's {@code welcome}: the fixed ones, then TURN with fresh credentials. */
    public List<IceServer> forPeer(String peerId, Instant now) {
        if (turnUrls.isEmpty()) {
            return servers;
        }
        List<IceServer> all = new ArrayList<>(servers);
        all.add(TurnCredentials.issue(turnUrls, turnSecret, peerId, now.plus(turnTtl)));
        return all;
    }
}
