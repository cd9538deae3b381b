package ephemeral.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The {@code code} of a signaling {@code error} frame; docs/protocol.md lists what each one means. */
public enum ErrorCode {
    BAD_JSON, UNKNOWN_TYPE, BAD_MESSAGE, BAD_HASH, TOO_LARGE, BINARY_FRAME,
    TOO_MANY_HASHES, TOO_MANY_WANTS, NOT_PAIRED, RATE_LIMITED, SERVER_FULL, NOT_HOLDING, NO_VOLUNTEER, UNAVAILABLE,
    /** Never sent: what a client reads for a code a newer server added. */
    @JsonEnumDefaultValue
    UNKNOWN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
