package ephemeral.peer.nat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two homes behind NAT and a public network, as Linux network namespaces this test creates and removes:
 *
 * <pre>
 *   home1 10.1.0.2 ── 10.1.0.1 nat1 198.51.100.11 ──┐
 *                                                  br0 198.51.100.1  public (signaling server, coturn)
 *   home2 10.2.0.2 ── 10.2.0.1 nat2 198.51.100.12 ──┘
 * </pre>
 *
 * Each NAT masquerades its home behind its public address (iptables MASQUERADE, with a fresh port per
 * destination: a symmetric NAT); a NAT has no route to the other home, so a home's own address is
 * unreachable from the other. Nothing is
 * connected to the machine's own network: every address lives only inside these namespaces.
 */
final class NatLab implements AutoCloseable {
    static final String PUBLIC_IP = "198.51.100.1";

    private final String prefix = "eph" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    private final List<String> created = new ArrayList<>();

    final String pub = prefix + "p";
    final String nat1 = prefix + "n1";
    final String nat2 = prefix + "n2";
    final String home1 = prefix + "h1";
    final String home2 = prefix + "h2";

    /**
     * Builds the namespaces, or says why it cannot (not root, no {@code ip netns}, no iptables): the caller
     * skips with that message.
     */
    static NatLab create() throws IOException, InterruptedException {
        NatLab lab = new NatLab();
        try {
            lab.build();
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** Null when this machine can build the lab, else why not. */
    static String unavailable() {
        try {
            if (!"root".equals(System.getProperty("user.name"))) {
                return "network namespaces need root (ip netns add); this test runs as " + System.getProperty("user.name");
            }
            Process p = new ProcessBuilder("iptables", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "iptables is missing (scripts/install-deps installs it)";
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return "cannot run ip/iptables: " + e.getMessage();
        }
    }

    private void build() throws IOException, InterruptedException {
        for (String ns : List.of(pub, nat1, nat2, home1, home2)) {
            run("ip", "netns", "add", ns);
            created.add(ns);
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "-n", pub, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", pub, "addr", "add", PUBLIC_IP + "/24", "dev", "br0");
        run("ip", "-n", pub, "link", "set", "br0", "up");
        home(nat1, home1, "n1", "198.51.100.11", "10.1.0");
        home(nat2, home2, "n2", "198.51.100.12", "10.2.0");
    }

    private void home(String nat, String home, String port, String wanIp, String lan) throws IOException, InterruptedException {
        // created directly inside the namespaces, so the names never meet in the machine's own namespace
        run("ip", "link", "add", "wan", "netns", nat, "type", "veth", "peer", "name", port, "netns", pub);
        run("ip", "-n", pub, "link", "set", port, "master", "br0");
        run("ip", "-n", pub, "link", "set", port, "up");
        run("ip", "-n", nat, "addr", "add", wanIp + "/24", "dev", "wan");
        run("ip", "-n", nat, "link", "set", "wan", "up");
        run("ip", "link", "add", "lan", "netns", nat, "type", "veth", "peer", "name", "eth0", "netns", home);
        run("ip", "-n", nat, "addr", "add", lan + ".1/24", "dev", "lan");
        run("ip", "-n", nat, "link", "set", "lan", "up");
        run("ip", "-n", home, "addr", "add", lan + ".2/24", "dev", "eth0");
        run("ip", "-n", home, "link", "set", "eth0", "up");
        run("ip", "-n", home, "route", "add", "default", "via", lan + ".1");
        run("ip", "netns", "exec", nat, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // --random-fully: a new public port per destination, a symmetric NAT (as on many mobile and corporate
        // networks): what STUN learns for one peer is useless for another, so only a relay gets through
        run("ip", "netns", "exec", nat, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "wan", "-j", "MASQUERADE",
                "--random-fully");
    }

    /** The command run inside namespace {@code ns}. */
    static List<String> in(String ns, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(command);
        return all;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() {
        for (String ns : created) {
            try {
                run("ip", "netns", "del", ns); // its veths and rules go with it
            } catch (IOException | InterruptedException e) {
                System.err.println("could not remove namespace " + ns + ": " + e.getMessage());
            }
        }
    }
}
