package ephemeral.peer.cli;

import ephemeral.peer.signaling.ServerUrl;
import ephemeral.protocol.Ids;
import java.util.Locale;
import picocli.CommandLine;

/**
 * A page named on the command line: a bare hash, or a whole link {@code <server>/<hash>#<hints>} as a
 * browser copies it (docs/protocol.md, "Links"). A link also names its server, and a private page's key.
 *
 * @param hash   the page's address
 * @param server the server the link points at, or null for a bare hash
 * @param key    a private page's key ({@code k=} in the fragment, base64url), or null
 */
record PageLink(String hash, String server, String key) {

    static PageLink parse(String value) {
        String v = value.trim();
        String fragment = "";
        int hashMark = v.indexOf('#');
        if (hashMark >= 0) {
            fragment = v.substring(hashMark + 1);
            v = v.substring(0, hashMark);
        }
        String key = null;
        for (String param : fragment.split("&")) {
            if (param.startsWith("k=")) {
                key = param.substring(2);
            }
        }
        int slash = v.lastIndexOf('/');
        String hash = v.substring(slash + 1);
        if (!Ids.isHash(hash)) {
            throw new IllegalArgumentException("not a page hash (64 lowercase hex chars) or link: " + value);
        }
        String server = null;
        if (slash >= 0) {
            String base = v.substring(0, slash);
            String scheme = base.contains("://") ? base.substring(0, base.indexOf("://")).toLowerCase(Locale.ROOT) : "";
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("not a page link (expected http(s)://host[:port]/<hash>): " + value);
            }
            ServerUrl.parse(base); // a link with a broken host is refused here, not when connecting
            server = base;
        }
        return new PageLink(hash, server, key);
    }

    /** Hash and link arguments are checked while parsing, so a typo is a usage error (exit 2). */
    static final class Arg implements CommandLine.ITypeConverter<PageLink> {
        @Override
        public PageLink convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
