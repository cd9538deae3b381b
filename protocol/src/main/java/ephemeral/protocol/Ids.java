package ephemeral.protocol;

import java.security.SecureRandom;
import java.util.Base64;

/** Format rules for the two kinds of identifiers on the wire: page hashes and peer ids. */
public final class Ids {
    public static final int HASH_LENGTH = 64;
    public static final int PEER_ID_LENGTH = 22;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Ids() {
    }

    /** A SHA-256 in lowercase hex: the only spelling, so one page has exactly one address. */
    public static boolean isHash(String s) {
        if (s == null || s.length() != HASH_LENGTH) {
            return false;
        }
        for (int i = 0; i < HASH_LENGTH; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    public static String requireHash(String s) {
        if (s == null) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: hash");
        }
        if (!isHash(s)) {
            throw new ProtocolException(ErrorCode.BAD_HASH, "a hash is 64 lowercase hex characters");
        }
        return s;
    }

    /** 128 random bits: unguessable, so knowing a peerId grants nothing without a pairing anyway. */
    public static String newPeerId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    public static boolean isPeerId(String s) {
        if (s == null || s.length() != PEER_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < PEER_ID_LENGTH; i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static String requirePeerId(String field, String s) {
        if (!isPeerId(s)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, field + " must be a peerId");
        }
        return s;
    }
}
