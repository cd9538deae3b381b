package ephemeral.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import ephemeral.protocol.live.LiveVersion;
import ephemeral.protocol.live.MeshMessage;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.transfer.TransferMessage;
import java.io.IOException;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place where text becomes messages and back (docs/protocol.md). Two readers:
 * <ul>
 *   <li>the server's, {@link #parseClient}: strict — duplicate keys, unknown or missing fields, scalar
 *       coercions and trailing data are refused;
 *   <li>the clients', {@link #parseServer} and {@link #parseTransfer}: as strict about what it reads, but
 *       unknown fields are ignored and an unknown server message type is skipped, so an older peer keeps
 *       working against a newer server or peer.
 * </ul>
 * Every refusal is a {@link ProtocolException} whose message names the field, never the JSON library.
 */
public final class Codec {
    private static final ObjectMapper STRICT = mapper(true);
    private static final ObjectMapper LENIENT = mapper(false);
    private static final ObjectReader CLIENT = STRICT.readerFor(ClientMessage.class);
    private static final ObjectReader SERVER = LENIENT.readerFor(ServerMessage.class);
    private static final ObjectReader TRANSFER = LENIENT.readerFor(TransferMessage.class);
    private static final ObjectReader LIVE_VERSION = STRICT.readerFor(LiveVersion.class);
    private static final ObjectReader MESH = LENIENT.readerFor(MeshMessage.class);

    private Codec() {
    }

    private static ObjectMapper mapper(boolean strict) {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict)
                .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE, !strict)
                // ICE servers' urls may be one string or an array (RTCConfiguration allows both)
                .configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, !strict)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(JsonParser.Feature.ALLOW_COMMENTS)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    /** The server's reader: one client frame, checked against the connection's limits. */
    public static ClientMessage parseClient(String text, Limits limits) {
        ClientMessage message = read(CLIENT, text);
        if (message instanceof ClientMessage.Have have) {
            checkHashCount(have.all().size(), limits);
        } else if (message instanceof ClientMessage.Drop drop) {
            checkHashCount(drop.all().size(), limits);
        } else if (message instanceof ClientMessage.Want want && want.exclude().size() > limits.maxExclude()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE,
                    "exclude lists at most " + limits.maxExclude() + " peers", want.hash());
        }
        return message;
    }

    /** The clients' reader of server frames; empty for a message type this version does not know. */
    public static Optional<ServerMessage> parseServer(String text) {
        return readKnown(SERVER, text);
    }

    /** A text message on a {@code page} channel, from either side. */
    public static TransferMessage parseTransfer(String text) {
        return read(TRANSFER, text);
    }

    /** A live page's version record (docs/protocol.md, "Live pages"), strictly: shape only, not the signature. */
    public static LiveVersion parseLiveVersion(String text) {
        return read(LIVE_VERSION, text);
    }

    /**
     * A text message on a {@code live} channel; empty for a type this version does not know (a newer peer's),
     * which the receiver skips. Refused when longer than {@link MeshMessage#MAX_CHARS}.
     */
    public static Optional<MeshMessage> parseMesh(String text) {
        if (text.length() > MeshMessage.MAX_CHARS) {
            throw new ProtocolException(ErrorCode.TOO_LARGE, "a mesh message is at most " + MeshMessage.MAX_CHARS + " characters");
        }
        return readKnown(MESH, text);
    }

    /** Writes any message of this package (type included) as one JSON object. */
    public static String encode(Object message) {
        String hot = HotFrames.encode(message);
        return hot != null ? hot : jackson(message);
    }

    /** What Jackson writes for {@code message}: every message but the hot ones, and their yardstick in tests. */
    static String jackson(Object message) {
        try {
            return STRICT.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * The relay's fast path: a {@code signal} frame around {@code data} already encoded (and size-checked)
     * by {@link #encode}, so a relayed signal is encoded once. Same text as encoding the record.
     */
    public static String encodeSignal(String from, String hash, String encodedData) {
        Ids.requirePeerId("from", from);
        Ids.requireHash(hash); // both are plain ASCII: nothing to escape
        return HotFrames.signal(from, hash, encodedData);
    }

    private static final String MISSING_TYPE = "missing field: type";

    /** Reads a message; empty when its type is one this version does not know. */
    private static <T> Optional<T> readKnown(ObjectReader reader, String text) {
        try {
            return Optional.of(read(reader, text));
        } catch (ProtocolException e) {
            if (e.code() == ErrorCode.UNKNOWN_TYPE && !e.getMessage().equals(MISSING_TYPE)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static <T> T read(ObjectReader reader, String text) {
        try (JsonParser parser = reader.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.BAD_JSON, "a frame is one JSON object");
            }
            T message = reader.readValue(parser);
            if (parser.nextToken() != null) {
                throw new ProtocolException(ErrorCode.BAD_JSON, "a frame is one JSON object; trailing data found");
            }
            return message;
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof ProtocolException pe) {
                throw pe;
            }
            String why = e.getCause() != null && e.getCause().getMessage() != null
                    ? e.getCause().getMessage() : "malformed message";
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, why);
        } catch (InvalidTypeIdException e) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    e.getTypeId() == null ? MISSING_TYPE : "unknown type: " + clip(e.getTypeId()));
        } catch (UnrecognizedPropertyException e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "unexpected field: " + path(e));
        } catch (MismatchedInputException e) {
            String m = e.getOriginalMessage();
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, m != null && m.startsWith("Missing required")
                    ? "missing field: " + path(e)
                    : "field " + path(e) + " has the wrong type or value");
        } catch (StreamReadException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, firstLine(e));
        } catch (JsonMappingException e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "field " + path(e) + " is malformed");
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, "unreadable frame");
        }
    }

    private static void checkHashCount(int count, Limits limits) {
        if (count > limits.maxHashesPerMessage()) {
            throw new ProtocolException(ErrorCode.TOO_MANY_HASHES,
                    "at most " + limits.maxHashesPerMessage() + " hashes per message; send several");
        }
    }

    /** Input quoted back in an error is cut short: a 200 kB type must not come back as a 200 kB frame. */
    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** The field as a dotted path ({@code data.candidate.sdpMLineIndex}, {@code exclude[2]}). */
    private static String path(JsonMappingException e) {
        String p = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        if (e instanceof MismatchedInputException && p.isEmpty()) {
            String m = e.getOriginalMessage();
            int q = m == null ? -1 : m.indexOf('\'');
            int end = q < 0 ? -1 : m.indexOf('\'', q + 1);
            if (end > q) {
                return clip(m.substring(q + 1, end));
            }
        }
        return clip(p.startsWith(".") ? p.substring(1) : p.isEmpty() ? "(root)" : p);
    }

    /** Jackson's messages end with a source excerpt that would echo the input back; keep the reason. */
    private static String firstLine(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "malformed JSON";
        }
        int cut = m.indexOf('\n');
        m = cut >= 0 ? m.substring(0, cut) : m;
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
