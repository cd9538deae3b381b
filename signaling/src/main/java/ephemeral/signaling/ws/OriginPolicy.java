package ephemeral.signaling.ws;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which WebSocket Origins may connect. Browsers always send Origin, so this stops other sites' pages from
 * using a visitor's browser against this server; non-browser peers send none and are let in.
 */
public final class OriginPolicy {
    private final List<String> allowed;
    private final boolean any;

    public OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).toList();
        this.any = allowedOrigins.contains("*");
    }

    /** @param host the request's Host header (host[:port]), which defines "same origin" */
    public boolean allows(String origin, String host) {
        if (origin == null || any) {
            return true;
        }
        String normalized = normalize(origin);
        if (allowed.contains(normalized)) {
            return true;
        }
        try {
            URI uri = URI.create(normalized);
            boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            if (!web || uri.getHost() == null || host == null) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String hostHeader = host.toLowerCase(Locale.ROOT);
            String originHost = uri.getHost() + ":" + port;
            boolean defaultPort = port == ("https".equals(uri.getScheme()) ? 443 : 80);
            return hostHeader.equals(originHost) || (defaultPort && hostHeader.equals(uri.getHost()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
