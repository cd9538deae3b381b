package ephemeral.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * RTCConfiguration.iceTransportPolicy, handed to clients in {@code welcome}: {@code relay} makes every peer
 * connection go through the TURN servers of the same {@code welcome} (an operator hides peers' addresses
 * from each other, or tests the relay path).
 */
public enum IceTransportPolicy {
    /** What a client reads for a value a newer server added, too. */
    @JsonEnumDefaultValue
    ALL,
    RELAY;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code all} or {@code relay}, as on the wire and on the server's command line. */
    public static IceTransportPolicy parse(String s) {
        for (IceTransportPolicy p : values()) {
            if (p.wire().equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("ICE transport policy must be all or relay, got " + s);
    }
}
