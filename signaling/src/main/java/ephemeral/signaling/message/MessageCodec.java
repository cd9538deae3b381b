package ephemeral.signaling.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import ephemeral.signaling.Limits;
import java.io.IOException;

/**
 * The one place where frames become messages and back. Parsing is strict (docs/protocol.md): duplicate
 * keys, unknown or missing fields, scalar coercions and trailing data are all refused.
 */
public final class MessageCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    private static final ObjectReader READER = MAPPER.readerFor(ClientMessage.class);
    private static final ObjectWriter WRITER = MAPPER.writerFor(ServerMessage.class);

    private MessageCodec() {
    }

    /** Parses one client frame and checks it against the connection limits, or throws {@link ProtocolException}. */
    public static ClientMessage parse(String text, Limits limits) {
        ClientMessage message = decode(text);
        if (message instanceof ClientMessage.Have have) {
            checkHashCount(have.hashes().size(), limits);
        } else if (message instanceof ClientMessage.Drop drop) {
            checkHashCount(drop.hashes().size(), limits);
        } else if (message instanceof ClientMessage.Want want && want.exclude().size() > limits.maxExclude()) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE,
                    "exclude lists at most " + limits.maxExclude() + " peers", want.hash());
        }
        return message;
    }

    private static ClientMessage decode(String text) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ProtocolException(ErrorCode.BAD_JSON, "a frame is one JSON object");
            }
            ClientMessage message = READER.readValue(parser);
            if (parser.nextToken() != null) {
                throw new ProtocolException(ErrorCode.BAD_JSON, "a frame is one JSON object; trailing data found");
            }
            return message;
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, firstLine(e));
        } catch (InvalidTypeIdException e) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    e.getTypeId() == null ? "missing field: type" : "unknown type: " + e.getTypeId());
        } catch (UnrecognizedPropertyException e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "unexpected field: " + e.getPropertyName());
        } catch (StreamReadException e) {
            throw new ProtocolException(ErrorCode.BAD_JSON, firstLine(e));
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, firstLine(e));
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

    /** Jackson's messages end with a source excerpt that would echo the client's input back; keep the reason. */
    private static String firstLine(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "malformed message";
        }
        int cut = m.indexOf('\n');
        m = cut >= 0 ? m.substring(0, cut) : m;
        return m.length() > 200 ? m.substring(0, 200) : m;
    }

    public static String encode(ServerMessage message) {
        try {
            return WRITER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Re-encodes a validated payload, so what is relayed is exactly what was checked, not the client's text. */
    public static String encodeData(SignalData data) {
        try {
            return MAPPER.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode signal data", e);
        }
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
