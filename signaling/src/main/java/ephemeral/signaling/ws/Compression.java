package ephemeral.signaling.ws;

import java.util.List;
import org.eclipse.jetty.websocket.api.ExtensionConfig;

/**
 * Per-message deflate, when an operator turns it on: accepted only without context takeover on either
 * side, so a connection keeps no zlib window between messages (a window per direction per connection is
 * most of what deflate costs a server holding many idle peers). Off by default (docs/benchmarks.md).
 */
final class Compression {
    static final String DEFLATE = "permessage-deflate";

    private Compression() {
    }

    /** The extensions to accept from those a client offered: deflate, bounded, or nothing. */
    static List<ExtensionConfig> bounded(List<ExtensionConfig> offered) {
        for (ExtensionConfig e : offered) {
            if (DEFLATE.equals(e.getName())) {
                return List.of(ExtensionConfig.parse(DEFLATE + "; server_no_context_takeover; client_no_context_takeover"));
            }
        }
        return List.of();
    }
}
