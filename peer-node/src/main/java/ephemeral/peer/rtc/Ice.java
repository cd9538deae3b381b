package ephemeral.peer.rtc;

import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import java.util.List;

/** What {@code welcome} says about ICE: the STUN/TURN servers to use and whether only relayed paths may be. */
public record Ice(List<IceServer> servers, IceTransportPolicy policy) {
    /** Before the first {@code welcome}: host candidates only. */
    public static final Ice NONE = new Ice(List.of(), IceTransportPolicy.ALL);

    public Ice {
        servers = List.copyOf(servers);
    }

    /** Whether some server of these can relay (a TURN URL), for telling a user why nothing connects. */
    public boolean hasRelay() {
        return servers.stream().flatMap(s -> s.urls().stream()).anyMatch(u -> u.startsWith("turn"));
    }
}
