package ephemeral.protocol.transfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.Ids;
import ephemeral.protocol.ProtocolException;

/**
 * Text messages on a {@code page} data channel (docs/protocol.md §2). Read with
 * {@link ephemeral.protocol.Codec#parseTransfer}: unknown fields are ignored, anything else that is not
 * exactly one of these is refused.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TransferMessage.Get.class, name = "get"),
    @JsonSubTypes.Type(value = TransferMessage.Header.class, name = "header"),
    @JsonSubTypes.Type(value = TransferMessage.Error.class, name = "error"),
})
public sealed interface TransferMessage {
    /** Names a largest name or MIME hint a receiver keeps; longer ones are dropped. */
    int MAX_HINT_CHARS = 255;

    /**
     * Wanter → holder, first and only: send {@code hash} from byte {@code offset} up to {@code end}
     * (exclusive), or to the end of the page when {@code end} is null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Get(String hash, @JsonProperty(required = true) long offset, Long end) implements TransferMessage {
        public Get {
            Ids.requireHash(hash);
            if (offset < 0) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "offset must be >= 0");
            }
            if (end != null && end <= offset) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "end must be > offset");
            }
        }

        /** The whole page from {@code offset}. */
        public Get(String hash, long offset) {
            this(hash, offset, null);
        }
    }

    /**
     * Holder → wanter, before the bytes {@code [offset, end)}; {@code end} echoes the {@code get}'s, and
     * without one the bytes run to {@code size}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Header(String hash, @JsonProperty(required = true) long size, @JsonProperty(required = true) long offset,
                  Long end, String name, String mime) implements TransferMessage {
        public Header {
            Ids.requireHash(hash);
            if (size < 0 || offset < 0 || offset > size) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "need 0 <= offset <= size");
            }
            if (end != null && (end <= offset || end > size)) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "need offset < end <= size");
            }
            name = hint(name);
            mime = hint(mime);
        }

        public Header(String hash, long size, long offset, String name, String mime) {
            this(hash, size, offset, null, name, mime);
        }

        /** The first byte after the ones this header announces. */
        public long stop() {
            return end != null ? end : size;
        }
    }

    /** Holder → wanter instead of a header; the holder then closes the channel. */
    record Error(String code, String message) implements TransferMessage {
        /** The holder does not hold the page. */
        public static final String NOT_FOUND = "not_found";
        /** The holder serves its maximum of transfers now. */
        public static final String BUSY = "busy";
        /** {@code offset} or {@code end} is beyond the page's size. */
        public static final String BAD_OFFSET = "bad_offset";
        /** The first message was not a well-formed {@code get}. */
        public static final String BAD_REQUEST = "bad_request";

        public Error {
            if (code == null || code.isEmpty()) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: code");
            }
        }
    }

    private static String hint(String s) {
        return s == null || s.length() > MAX_HINT_CHARS ? null : s;
    }
}
