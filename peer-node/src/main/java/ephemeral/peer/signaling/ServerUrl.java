package ephemeral.peer.signaling;

import java.net.URI;

/**
 * The two faces of one server address: the base URL people open in a browser (links are
 * {@code <base>/<hash>}) and the WebSocket endpoint {@code ws(s)://host:port/ws}. Either form is accepted.
 */
public record ServerUrl(URI base, URI webSocket) {

    public static ServerUrl parse(String url) {
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase();
        if (u.getHost() == null) {
            throw new IllegalArgumentException("not a server URL (expected http(s)://host[:port] or ws(s)://host[:port]/ws): " + url);
        }
        String hostPort = u.getRawAuthority();
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        switch (scheme) {
            case "http", "https": {
                String basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                String ws = scheme.equals("https") ? "wss" : "ws";
                return new ServerUrl(URI.create(scheme + "://" + hostPort + basePath),
                        URI.create(ws + "://" + hostPort + basePath + "/ws"));
            }
            case "ws", "wss": {
                String basePath = path.endsWith("/ws") ? path.substring(0, path.length() - 3) : path;
                if (basePath.endsWith("/")) {
                    basePath = basePath.substring(0, basePath.length() - 1);
                }
                String http = scheme.equals("wss") ? "https" : "http";
                String wsPath = path.isEmpty() || path.equals("/") ? "/ws" : path;
                return new ServerUrl(URI.create(http + "://" + hostPort + basePath),
                        URI.create(scheme + "://" + hostPort + wsPath));
            }
            default:
                throw new IllegalArgumentException("unsupported URL scheme '" + scheme + "' in " + url);
        }
    }

    /** The link people open to follow a live page: {@code <base>/live/<key>}. */
    public String liveLink(ephemeral.protocol.live.LiveKey key) {
        return base + key.address();
    }

    /** The link people open to get a page. */
    public String link(String hash) {
        return base + "/" + hash;
    }
}
