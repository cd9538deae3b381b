package ephemeral.peer.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A page's address: SHA-256 of its bytes as 64 lowercase hex characters (docs/protocol.md). */
public final class Hashes {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private Hashes() {}

    public static boolean isHash(String s) {
        return s != null && HASH.matcher(s).matches();
    }

    public static String requireHash(String s) {
        if (!isHash(s)) {
            throw new IllegalArgumentException("not a page hash (64 lowercase hex chars): " + s);
        }
        return s;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }

    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    public static String of(byte[] bytes) {
        return hex(sha256().digest(bytes));
    }
}
