package ephemeral.peer.privacy;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Private pages (docs/protocol.md, "Private pages"): the page's bytes are encrypted before they are
 * hashed, so its address is the hash of the ciphertext, and the key travels only in the link's fragment
 * ({@code #k=<key>}), which never reaches the server. Holders store and serve ciphertext like any page.
 *
 * <p>Format: {@code "ephpriv1" (8 ASCII bytes) || iv (12 random bytes) || AES-256-GCM(key, iv, page)}
 * (ciphertext followed by its 16-byte tag; no associated data); the key is 32 random bytes, written base64url
 * without padding (43 characters). The header only lets a visitor without the key say what it is missing.
 */
public final class PrivatePage {
    private static final byte[] MAGIC = "ephpriv1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    public static final int KEY_BYTES = 32;
    public static final int IV_BYTES = 12;
    public static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A sealed page and the key that opens it. */
    public record Sealed(byte[] bytes, String key) {
    }

    private PrivatePage() {
    }

    /** Encrypts {@code page} with a fresh random key. */
    public static Sealed seal(byte[] page) {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(page);
            byte[] out = ByteBuffer.allocate(MAGIC.length + IV_BYTES + sealed.length).put(MAGIC).put(iv).put(sealed).array();
            return new Sealed(out, Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts a private page's bytes (already verified against its address) with the link's key.
     *
     * @throws GeneralSecurityException when the key is malformed or does not open these bytes
     */
    public static byte[] open(byte[] sealed, String key) throws GeneralSecurityException {
        byte[] k;
        try {
            k = Base64.getUrlDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("the key in the link is not base64url");
        }
        if (k.length != KEY_BYTES) {
            throw new GeneralSecurityException("the key in the link is not " + KEY_BYTES + " bytes");
        }
        if (!isSealed(sealed)) {
            throw new GeneralSecurityException("not a private page");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(TAG_BITS, sealed, MAGIC.length, IV_BYTES));
        int body = MAGIC.length + IV_BYTES;
        return cipher.doFinal(sealed, body, sealed.length - body);
    }

    /** Whether {@code bytes} start as a private page does (anyone can write that header: it proves nothing). */
    public static boolean isSealed(byte[] bytes) {
        if (bytes.length < MAGIC.length + IV_BYTES + TAG_BITS / 8) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
