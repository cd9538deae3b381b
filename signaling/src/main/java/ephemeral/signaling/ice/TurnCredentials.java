package ephemeral.signaling.ice;

import ephemeral.protocol.IceServer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN credentials that expire, as coturn checks them with {@code use-auth-secret}/{@code static-auth-secret}
 * (the "TURN REST API" scheme): username {@code <expiry in Unix seconds>:<peerId>}, credential
 * base64(HMAC-SHA1(secret, username)). The server and coturn share only the secret; a browser never sees it,
 * and what it does see stops working at the expiry.
 */
public final class TurnCredentials {
    private TurnCredentials() {
    }

    public static IceServer issue(List<String> urls, String secret, String peerId, Instant expiry) {
        String username = expiry.getEpochSecond() + ":" + peerId;
        return new IceServer(urls, username, credential(secret, username));
    }

    /** base64(HMAC-SHA1(secret, username)). */
    public static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }
}
