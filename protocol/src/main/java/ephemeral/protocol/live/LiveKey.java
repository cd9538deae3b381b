package ephemeral.protocol.live;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.ProtocolException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A live page's author key: a raw 32-byte Ed25519 public key (RFC 8032), written as 43 characters of
 * unpadded base64url. It is the live page's address, {@code /live/<key>} (docs/protocol.md, "Live pages").
 */
public record LiveKey(@JsonValue String text) {
    public static final int RAW_BYTES = 32;
    public static final String ADDRESS_PREFIX = "/live/";
    /** The DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410): what JCA needs before the raw key. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    public LiveKey {
        if (text == null || text.length() != 43 || !text.matches("[A-Za-z0-9_-]{43}")) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "a live key is 43 base64url characters (32 bytes, no padding)");
        }
        byte[] raw = Base64.getUrlDecoder().decode(text);
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(text)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "a live key has exactly one spelling: its last character's spare bits are 0");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static LiveKey parse(String text) {
        return new LiveKey(text);
    }

    /** The key of a raw 32-byte Ed25519 public key. */
    public static LiveKey ofRaw(byte[] raw) {
        if (raw.length != RAW_BYTES) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, not " + raw.length);
        }
        return new LiveKey(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
    }

    /** The key of a JCA Ed25519 public key. */
    public static LiveKey of(PublicKey key) {
        byte[] der = key.getEncoded();
        if (der.length != SPKI_PREFIX.length + RAW_BYTES || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return ofRaw(Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length));
    }

    /** The key of an address {@code /live/<key>} (a whole URL's path may be given); refused if it is not one. */
    public static LiveKey ofAddress(String path) {
        if (path == null || !path.startsWith(ADDRESS_PREFIX)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "a live page's address is " + ADDRESS_PREFIX + "<key>");
        }
        return new LiveKey(path.substring(ADDRESS_PREFIX.length()));
    }

    public byte[] raw() {
        return Base64.getUrlDecoder().decode(text);
    }

    public String address() {
        return ADDRESS_PREFIX + text;
    }

    /**
     * The live page's roster name at the signaling server: SHA-256 of {@code ephemeral-live-topic} LF key,
     * in hex. Holders {@code have} it and newcomers {@code want} it like a page's hash, so the server routes
     * live pages with no change and cannot tell a live page's roster from a page's, nor learn the key.
     */
    public String topic() {
        return ephemeral.protocol.Sha256.of((TOPIC_DOMAIN + '\n' + text).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public static final String TOPIC_DOMAIN = "ephemeral-live-topic";

    /** As a JCA key, for {@link java.security.Signature}. */
    public PublicKey publicKey() {
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + RAW_BYTES);
        System.arraycopy(raw(), 0, der, SPKI_PREFIX.length, RAW_BYTES);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "not an Ed25519 public key");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
