package ephemeral.signaling.roster;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

/**
 * Where connections come from: an IPv4 address, or the /64 of an IPv6 one (what one subscriber is usually
 * given, so an attacker cannot mint a new source per address of it). The per-address share of the roster
 * budget counts here. Guarded by the {@link Hub}'s lock.
 */
final class Source {
    final String key;
    /** Connections open from here. */
    int peers;
    /** Holder plus wanter entries of those connections. */
    int entries;

    private Source(String key) {
        this.key = key;
    }

    static Source of(String key) {
        return new Source(key);
    }

    /** The key of an address: IPv4 as written, IPv6 as its first 8 bytes; null (unknown) is one source. */
    static String keyOf(InetAddress address) {
        if (address == null) {
            return "unknown";
        }
        byte[] b = address.getAddress();
        return address instanceof Inet6Address ? HexFormat.of().formatHex(b, 0, 8) + "::/64" : address.getHostAddress();
    }
}
