package ephemeral.protocol.live;

import com.fasterxml.jackson.annotation.JsonProperty;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.Ids;
import ephemeral.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Comparator;

/**
 * One version of a live page (docs/protocol.md, "Live pages"): the author's Ed25519 signature binding
 * {@code seq} to an ordinary page, {@code hash} of {@code size} bytes, under the author's {@code key}. A
 * version's JSON is {@code {"key":K,"seq":N,"hash":H,"size":S,"sig":G}}; what is signed is
 * {@link #signedBytes()}. Valid shape is checked here; the signature by {@link #verify()}.
 */
public record LiveVersion(LiveKey key, @JsonProperty(required = true) long seq, String hash,
                          @JsonProperty(required = true) long size, String sig) {
    /** What every signed text starts with, so a signature over anything else can never pass for a version. */
    public static final String DOMAIN = "ephemeral-live-v1";
    /** Highest sequence number: the largest integer every JSON reader holds exactly (2^53 - 1). */
    public static final long MAX_SEQ = (1L << 53) - 1;
    public static final int SIG_BYTES = 64;

    /**
     * Which of two versions of one key a peer keeps: the higher {@code seq}; for one {@code seq} signed twice
     * (an equivocating author), the one whose {@code hash} is lower (then {@code size}), so every peer keeps
     * the same one. Larger is preferred.
     */
    public static final Comparator<LiveVersion> PREFERENCE = Comparator.comparingLong(LiveVersion::seq)
            .thenComparing(LiveVersion::hash, Comparator.reverseOrder())
            .thenComparing(Comparator.comparingLong(LiveVersion::size).reversed());

    public LiveVersion {
        if (key == null) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "missing field: key");
        }
        if (seq < 1 || seq > MAX_SEQ) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "seq must be 1.." + MAX_SEQ);
        }
        Ids.requireHash(hash);
        if (size < 0) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "size must be >= 0");
        }
        if (sig == null || sig.length() != 86 || !sig.matches("[A-Za-z0-9_-]{86}")
                || !Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(sig)).equals(sig)) {
            throw new ProtocolException(ErrorCode.BAD_MESSAGE, "sig is 86 base64url characters (64 bytes, no padding)");
        }
    }

    /**
     * The signed text, UTF-8: {@code ephemeral-live-v1\n<key>\n<seq>\n<hash>\n<size>}, numbers in decimal
     * without leading zeros, no trailing newline.
     */
    public static byte[] signedBytes(LiveKey key, long seq, String hash, long size) {
        return (DOMAIN + '\n' + key.text() + '\n' + seq + '\n' + hash + '\n' + size).getBytes(StandardCharsets.US_ASCII);
    }

    public byte[] signedBytes() {
        return signedBytes(key, seq, hash, size);
    }

    /** Signs a version with the author's private key, whose public half is {@code key}. */
    public static LiveVersion sign(PrivateKey author, LiveKey key, long seq, String hash, long size) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(author);
            s.update(signedBytes(key, seq, hash, size));
            return new LiveVersion(key, seq, hash, size, Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** Whether {@code sig} is the key's signature of this version. */
    public boolean verify() {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key.publicKey());
            s.update(signedBytes());
            return s.verify(Base64.getUrlDecoder().decode(sig));
        } catch (GeneralSecurityException | ProtocolException e) {
            return false;
        }
    }

    /**
     * Whether a peer that has {@code current} (null: none) of the live page {@code address} takes this
     * version: it must be for that key, verify, and be preferred to {@code current}. Anything else is a lie.
     */
    public boolean supersedes(LiveKey address, LiveVersion current) {
        return key.equals(address) && verify() && (current == null || PREFERENCE.compare(this, current) > 0);
    }

    /** Another version with this {@code seq} but other content: the author signed two (shown as such). */
    public boolean equivocates(LiveVersion other) {
        return other != null && key.equals(other.key) && seq == other.seq && (!hash.equals(other.hash) || size != other.size);
    }
}
