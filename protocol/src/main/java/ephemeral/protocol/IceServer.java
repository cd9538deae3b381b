package ephemeral.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One entry of RTCConfiguration.iceServers, handed to clients in {@code welcome}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IceServer(List<String> urls, String username, String credential) {

    public IceServer {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("an ICE server needs at least one URL");
        }
        for (String url : urls) {
            if (!url.matches("^(stun|stuns|turn|turns):[^\\s]+$")) {
                throw new IllegalArgumentException("not a stun:/turn: URL: " + url);
            }
        }
        urls = List.copyOf(urls);
    }

    /** Parses {@code URL[,username,credential]}, the form the {@code --ice-server} flag takes. */
    public static IceServer parse(String spec) {
        String[] parts = spec.split(",", -1);
        if (parts.length == 1) {
            return new IceServer(List.of(parts[0]), null, null);
        }
        if (parts.length == 3) {
            return new IceServer(List.of(parts[0]), parts[1], parts[2]);
        }
        throw new IllegalArgumentException("expected URL or URL,username,credential: " + spec);
    }
}
