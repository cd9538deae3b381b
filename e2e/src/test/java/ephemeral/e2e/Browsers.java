package ephemeral.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import ephemeral.testing.Trees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Debian's Chromium and Firefox ESR under Playwright-Java, set up so that nothing leaves this machine:
 * no DNS, no multicast (mDNS host candidates are off), no public STUN/TURN, no update or telemetry
 * traffic. See /work/shared/notes/browsers.md for why each switch and pref is there.
 *
 * <p>One instance per test class: each browser is launched once, lazily, on first use; every peer in
 * a test gets its own {@link BrowserContext} ({@link #newContext}). Playwright is single-threaded: use
 * an instance from one thread only.
 *
 * <pre>{@code
 * try (Browsers browsers = Browsers.create()) {
 *     BrowserContext a = browsers.newContext(Browsers.Kind.CHROMIUM);
 *     a.newPage().navigate(baseUrl);
 * }
 * }</pre>
 */
public final class Browsers implements AutoCloseable {

    /** The two browsers the product is tested on. */
    public enum Kind {
        CHROMIUM(Path.of("/usr/bin/chromium")),
        FIREFOX(Path.of("/usr/bin/firefox-esr"));

        private final Path executable;

        Kind(Path executable) {
            this.executable = executable;
        }

        /** @return the Debian executable this kind launches */
        public Path executable() {
            return executable;
        }

        /** @return whether the executable is installed */
        public boolean installed() {
            return Files.isExecutable(executable);
        }

        /** @return the other kind (for tests run "in both directions") */
        public Kind other() {
            return this == CHROMIUM ? FIREFOX : CHROMIUM;
        }
    }

    private final Playwright playwright;
    private final Map<Kind, Browser> launched = new EnumMap<>(Kind.class);
    private final List<BrowserContext> profiles = new ArrayList<>();
    private final List<Path> profileDirs = new ArrayList<>();

    private Browsers(Playwright playwright) {
        this.playwright = playwright;
    }

    /**
     * Starts Playwright (its driver comes from the Maven jars; browsers are never downloaded).
     *
     * @return a harness with no browser launched yet
     */
    public static Browsers create() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        return new Browsers(Playwright.create(new Playwright.CreateOptions().setEnv(env)));
    }

    /**
     * @param kind which browser
     * @return that browser, launched on first call
     */
    public Browser browser(Kind kind) {
        return launched.computeIfAbsent(kind, k -> launch(playwright, k));
    }

    /**
     * A fresh, isolated profile (cookies, storage, WebRTC state) in the given browser: one per peer.
     *
     * @param kind which browser
     * @return a new context
     */
    public BrowserContext newContext(Kind kind) {
        return newContext(kind, new Browser.NewContextOptions());
    }

    /**
     * @param kind which browser
     * @param options e.g. a viewport size
     * @return a new context
     */
    public BrowserContext newContext(Kind kind, Browser.NewContextOptions options) {
        return browser(kind).newContext(options);
    }

    /**
     * A browser as its user runs it: a persistent profile, in a fresh directory removed on {@link #close},
     * with a browser process of its own. {@link #newContext} contexts are off the record, and Chromium keeps
     * an off-the-record Origin Private File System in memory behind IPC: a worker's writes to it ran at
     * ~30 MiB/s here against ~200 MiB/s to a profile on disk (docs/benchmarks.md), so figures of big pages
     * received to OPFS are taken in profiles like this one.
     *
     * @param kind which browser
     * @return a context of its own browser, in a new profile
     */
    public BrowserContext newProfile(Kind kind) {
        try {
            Path dir = Files.createTempDirectory("ephemeral-profile-");
            profileDirs.add(dir);
            BrowserType.LaunchOptions o = kind == Kind.CHROMIUM ? chromiumOptions() : firefoxOptions();
            BrowserType.LaunchPersistentContextOptions p = new BrowserType.LaunchPersistentContextOptions()
                    .setExecutablePath(o.executablePath).setHeadless(true).setArgs(o.args)
                    .setFirefoxUserPrefs(o.firefoxUserPrefs);
            if (o.chromiumSandbox != null) {
                p.setChromiumSandbox(o.chromiumSandbox);
            }
            if (o.channel != null) {
                p.setChannel((String) o.channel);
            }
            BrowserContext context = (kind == Kind.CHROMIUM ? playwright.chromium() : playwright.firefox())
                    .launchPersistentContext(dir, p);
            profiles.add(context);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the underlying Playwright, for anything this harness does not cover */
    public Playwright playwright() {
        return playwright;
    }

    @Override
    public void close() {
        for (Browser browser : launched.values()) {
            try {
                browser.close();
            } catch (RuntimeException e) {
                // already gone: nothing to release
            }
        }
        launched.clear();
        for (BrowserContext profile : profiles) {
            try {
                profile.close();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        profiles.clear();
        playwright.close();
        for (Path dir : profileDirs) {
            try {
                Trees.delete(dir);
            } catch (UncheckedIOException e) {
                // a temporary directory left behind
            }
        }
    }

    /**
     * Launches one browser with the offline settings.
     *
     * @param playwright a Playwright instance
     * @param kind which browser
     * @return the launched browser
     */
    public static Browser launch(Playwright playwright, Kind kind) {
        return switch (kind) {
            case CHROMIUM -> playwright.chromium().launch(chromiumOptions());
            case FIREFOX -> playwright.firefox().launch(firefoxOptions());
        };
    }

    /** @return launch options for Debian's Chromium: no DNS, no QUIC, raw host ICE candidates (no mDNS) */
    public static BrowserType.LaunchOptions chromiumOptions() {
        return new BrowserType.LaunchOptions()
                .setExecutablePath(Kind.CHROMIUM.executable())
                .setHeadless(true)
                .setChromiumSandbox(false)
                .setArgs(List.of(
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--disable-quic",
                        // every host fails to resolve except this machine's (the rule applies to IP
                        // literals too: without an EXCLUDE even http://<own LAN IP>/ fails)
                        "--host-resolver-rules=MAP * ~NOTFOUND"
                                + localHosts().stream().map(h -> " , EXCLUDE " + h).collect(Collectors.joining()),
                        // host candidates as plain IPs instead of mDNS .local names (which would multicast)
                        "--webrtc-ip-handling-policy=default_public_and_private_interfaces"));
    }

    /** @return launch options for Debian's Firefox ESR over WebDriver BiDi, with the offline prefs */
    public static BrowserType.LaunchOptions firefoxOptions() {
        return new BrowserType.LaunchOptions()
                .setChannel("moz-firefox")
                .setExecutablePath(Kind.FIREFOX.executable())
                .setHeadless(true)
                .setFirefoxUserPrefs(firefoxPrefs());
    }

    /** @return the Firefox prefs that keep it on this machine */
    public static Map<String, Object> firefoxPrefs() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("media.peerconnection.ice.obfuscate_host_addresses", false); // raw host candidates, no mDNS
        p.put("media.peerconnection.ice.loopback", true);
        p.put("network.dns.disabled", true);
        // a dead proxy for everything but this machine
        p.put("network.proxy.type", 1);
        p.put("network.proxy.http", "127.0.0.1");
        p.put("network.proxy.http_port", 9);
        p.put("network.proxy.ssl", "127.0.0.1");
        p.put("network.proxy.ssl_port", 9);
        p.put("network.proxy.no_proxies_on", String.join(", ", localHosts()));
        p.put("services.settings.server", "http://127.0.0.1:9/");
        p.put("toolkit.telemetry.enabled", false);
        p.put("toolkit.telemetry.unified", false);
        p.put("toolkit.telemetry.server", "http://127.0.0.1:9/");
        p.put("datareporting.policy.dataSubmissionEnabled", false);
        p.put("datareporting.healthreport.uploadEnabled", false);
        p.put("app.update.enabled", false);
        p.put("app.update.auto", false);
        p.put("extensions.update.enabled", false);
        p.put("browser.safebrowsing.malware.enabled", false);
        p.put("browser.safebrowsing.phishing.enabled", false);
        p.put("browser.safebrowsing.downloads.enabled", false);
        p.put("network.captive-portal-service.enabled", false);
        p.put("network.connectivity-service.enabled", false);
        p.put("browser.region.network.url", "");
        return p;
    }

    /**
     * Names and addresses of this machine that browsers may reach directly: localhost, 127.0.0.1 and
     * this machine's own non-loopback IPv4 addresses (for tests of the app over plain http on a LAN
     * address).
     *
     * @return host names and IP literals
     */
    public static List<String> localHosts() {
        List<String> hosts = new ArrayList<>(List.of("localhost", "127.0.0.1"));
        for (InetAddress a : ownAddresses()) hosts.add(a.getHostAddress());
        return hosts;
    }

    /** @return this machine's non-loopback, non-link-local IPv4 addresses on interfaces that are up */
    public static List<InetAddress> ownAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) continue;
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) out.add(a);
                }
            }
        } catch (SocketException e) {
            return out;
        }
        return out;
    }
}
