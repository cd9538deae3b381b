package ephemeral.peer.cli;

import ephemeral.peer.signaling.ServerUrl;
import ephemeral.protocol.Ids;
import ephemeral.protocol.live.LiveKey;
import java.util.Locale;
import picocli.CommandLine;

/**
 * A page named on the command line: a bare hash, or a whole link {@code <server>/<hash>#<hints>} as a
 * browser copies it (docs/protocol.md, "Links"), or a live page's link {@code <server>/live/<key>}. A link
 * also names its server, and a private page's key.
 *
 * @param hash   the page's address; null for a live page
 * @param server the server the link points at, or null for a bare hash
 * @param key    a private page's key ({@code k=} in the fragment, base64url), or null
 * @param live   a live page's author key, or null for an ordinary page
 */
record PageLink(String hash, String server, String key, LiveKey live) {

    static PageLink parse(String value) {
        String v = value.trim();
        int liveAt = v.indexOf(LiveKey.ADDRESS_PREFIX);
        if (liveAt >= 0) {
            String path = v.substring(liveAt).replaceFirst("[#?].*$", "");
            LiveKey live;
            try {
                live = LiveKey.ofAddress(path);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a live page link (…/live/<43 base64url characters>): " + value);
            }
            return new PageLink(null, liveAt == 0 ? null : server(v.substring(0, liveAt), value), null, live);
        }
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
        return new PageLink(hash, slash >= 0 ? server(v.substring(0, slash), value) : null, key, null);
    }

    /** The server part of a link; a link with a broken host is refused here, not when connecting. */
    private static String server(String base, String value) {
        String scheme = base.contains("://") ? base.substring(0, base.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("not a page link (expected http(s)://host[:port]/<hash>): " + value);
        }
        ServerUrl.parse(base);
        return base;
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
