package ephemeral.signaling.http;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which names this server answers to. A DNS-rebinding page (attacker.example re-pointed at this server's
 * address) sends its own name as {@code Host} and would pass a same-origin check; refusing unknown names
 * stops it. Known by default: localhost, the loopback addresses, this machine's own addresses and its host
 * name; a deployment adds its public name with {@code --allowed-host}; {@code *} turns the check off.
 */
public final class HostPolicy {
    private final Set<String> allowed = new HashSet<>();
    private final boolean any;

    public HostPolicy(List<String> extraHosts) {
        this.any = extraHosts.contains("*");
        allowed.addAll(List.of("localhost", "127.0.0.1", "::1"));
        extraHosts.forEach(h -> allowed.add(h.toLowerCase(Locale.ROOT)));
        try {
            allowed.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
        } catch (java.io.IOException e) {
            // no host name: addresses still work
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    String text = a.getHostAddress();
                    int zone = text.indexOf('%');
                    allowed.add((zone >= 0 ? text.substring(0, zone) : text).toLowerCase(Locale.ROOT));
                }
            }
        } catch (SocketException e) {
            // no interfaces listed: loopback and configured names only
        }
    }

    /** @param hostHeader the request's {@code Host} ({@code name[:port]} or {@code [v6][:port]}) */
    public boolean allows(String hostHeader) {
        if (any) {
            return true;
        }
        if (hostHeader == null || hostHeader.isEmpty()) {
            return false;
        }
        String h = hostHeader.toLowerCase(Locale.ROOT);
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            name = end > 0 ? h.substring(1, end) : h;
        } else {
            int colon = h.lastIndexOf(':');
            name = colon >= 0 ? h.substring(0, colon) : h;
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return allowed.contains(name);
    }
}
