package ephemeral.peer.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ephemeral.protocol.IceServer;
import ephemeral.protocol.IceTransportPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a node reconnects for fresh TURN credentials, from the expiry in their usernames. */
class IceRefreshTest {
    static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    static Ice expiring(Duration life) {
        return new Ice(List.of(new IceServer(List.of("stun:192.0.2.1"), null, null),
                new IceServer(List.of("turn:192.0.2.1:3478"), NOW.plus(life).getEpochSecond() + ":BBBBBBBBBBBBBBBBBBBBBB", "c2VjcmV0")),
                IceTransportPolicy.ALL);
    }

    @Test
    void fiveMinutesBeforeALongLifeEnds() {
        assertEquals(Optional.of(Duration.ofHours(6).minusMinutes(5)), expiring(Duration.ofHours(6)).refreshAfter(NOW));
    }

    @Test
    void aTenthBeforeAShortLifeEndsButNeverWithinAMinute() {
        assertEquals(Optional.of(Duration.ofMinutes(18)), expiring(Duration.ofMinutes(20)).refreshAfter(NOW));
        assertEquals(Optional.of(Duration.ofSeconds(60)), expiring(Duration.ofSeconds(5)).refreshAfter(NOW));
    }

    @Test
    void credentialsThatDoNotExpireNeedNoRefresh() {
        assertEquals(Optional.empty(), new Ice(List.of(new IceServer(List.of("turn:192.0.2.1"), "static-user", "pw")),
                IceTransportPolicy.ALL).refreshAfter(NOW));
        assertEquals(Optional.empty(), Ice.NONE.refreshAfter(NOW));
    }
}
