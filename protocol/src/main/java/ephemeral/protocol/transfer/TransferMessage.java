package ephemeral.protocol.transfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.Ids;
import ephemeral.protocol.ProtocolException;
import java.util.List;

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
    @JsonSubTypes.Type(value = TransferMessage.GetDigests.class, name = "get_digests"),
    @JsonSubTypes.Type(value = TransferMessage.Digests.class, name = "digests"),
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

    /** The most ranges one {@code get_digests} may ask about. */
    int MAX_DIGEST_RANGES = 64;

    /**
     * Wanter → holder, first and only, instead of {@code get}: the SHA-256 of each byte range
     * {@code [from, to)} of {@code hash}, and no bytes. A wanter whose page from several holders did not
     * verify asks it to find which holder's range was not the page's (docs/protocol.md, "Several holders").
     */
    record GetDigests(String hash, List<List<Long>> ranges) implements TransferMessage {
        public GetDigests {
            Ids.requireHash(hash);
            if (ranges == null || ranges.isEmpty() || ranges.size() > MAX_DIGEST_RANGES) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "ranges: 1 to " + MAX_DIGEST_RANGES + " [from, to] pairs");
            }
            for (List<Long> r : ranges) {
                if (r == null || r.size() != 2 || r.get(0) == null || r.get(1) == null || r.get(0) < 0 || r.get(1) <= r.get(0)) {
                    throw new ProtocolException(ErrorCode.BAD_MESSAGE, "a range is [from, to] with 0 <= from < to");
                }
            }
            ranges = List.copyOf(ranges.stream().map(List::copyOf).toList());
        }

        /** The end of the last byte asked about. */
        public long maxEnd() {
            return ranges.stream().mapToLong(r -> r.get(1)).max().orElse(0);
        }

        /** Bytes the holder must read to answer. */
        public long bytes() {
            return ranges.stream().mapToLong(r -> r.get(1) - r.get(0)).sum();
        }
    }

    /** Holder → wanter: the answer to {@code get_digests}, one lowercase hex SHA-256 per range, in its order. */
    record Digests(String hash, List<String> sha256) implements TransferMessage {
        public Digests {
            Ids.requireHash(hash);
            if (sha256 == null || sha256.isEmpty() || sha256.size() > MAX_DIGEST_RANGES || !sha256.stream().allMatch(Ids::isHash)) {
                throw new ProtocolException(ErrorCode.BAD_MESSAGE, "sha256: 1 to " + MAX_DIGEST_RANGES + " digests of 64 lowercase hex characters");
            }
            sha256 = List.copyOf(sha256);
        }
    }

    private static String hint(String s) {
        return s == null || s.length() > MAX_HINT_CHARS ? null : s;
    }
}
