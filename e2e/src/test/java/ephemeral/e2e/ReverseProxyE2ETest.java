package ephemeral.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import ephemeral.testing.Trees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/deploy.md "Behind a reverse proxy", exercised as written: the server started with the flags of the
 * docs' {@code sh} block (only its ports changed), behind Debian's nginx running the docs' {@code nginx} block
 * (only certificate paths, listen ports and the upstream port changed) with a self-signed certificate for
 * pages.example.org. Chromium reaches that name on loopback through {@code --host-resolver-rules} (no DNS).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReverseProxyE2ETest {
    private static final String NAME = "pages.example.org";
    /** A DNS-rebinding attacker's name, pointed at the proxy's address. */
    private static final String FOREIGN = "attacker.example";
    private static final String HSTS = "max-age=31536000; includeSubDomains";

    private Path dir;
    private Process server;
    private Nginx nginx;
    private Browsers browsers;
    private Browser chromium;
    private int tlsPort;
    private int plainPort;
    private String base;

    @BeforeAll
    void start() throws Exception {
        Nginx.requireInstalled();
        String docs = Files.readString(docsFile());
        dir = Files.createTempDirectory("reverse-proxy-e2e");
        // nginx started by root runs its workers as nobody, who must reach the temp files under here
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // on any failure here JUnit still runs stop(), which releases whatever was started
        int serverPort = freePort();
        server = startServer(docs, serverPort, freePort());
        tlsPort = freePort();
        plainPort = freePort();
        base = "https://" + NAME + ":" + tlsPort;
        nginx = Nginx.start(dir, site(docs, selfSignedCertificate(), serverPort));
        browsers = Browsers.create();
        chromium = browsers.playwright().chromium().launch(chromiumResolving(NAME, FOREIGN));
    }

    @AfterAll
    void stop() {
        try {
            if (browsers != null) browsers.close(); // closes chromium too
        } finally {
            try {
                if (nginx != null) nginx.close();
            } finally {
                try {
                    stopServer();
                } finally {
                    Trees.delete(dir);
                }
            }
        }
    }

    @Test
    void aPageTravelsThroughTheProxyOverHttpsAndWss() {
        String text = "through nginx, over TLS ✓\n" + UUID.randomUUID();
        String hash = AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8));

        BrowserContext creatorContext = secureContext();
        BrowserContext visitorContext = secureContext();
        try {
            Page creator = creatorContext.newPage();
            Queue<String> sockets = new ConcurrentLinkedQueue<>();
            creator.onWebSocket(ws -> sockets.add(ws.url()));
            Response home = creator.navigate(base + "/");
            assertEquals(200, home.status());
            assertEquals(HSTS, home.headerValue("strict-transport-security"));
            assertEquals(Boolean.TRUE, creator.evaluate("() => window.isSecureContext"));
            try {
                connected(creator);
            } catch (AssertionError e) {
                throw new AssertionError("no WebSocket through the proxy; nginx's access log:\n" + nginx.accessLog(), e);
            }
            assertEquals(Set.of("wss://" + NAME + ":" + tlsPort + "/ws"), Set.copyOf(sockets), "the app's WebSockets");

            creator.fill("#text", text);
            creator.click("#share");
            creator.waitForURL(base + "/" + hash);
            state(creator, "shown");

            Page visitor = visitorContext.newPage();
            Response link = visitor.navigate(base + "/" + hash);
            assertEquals(HSTS, link.headerValue("strict-transport-security"));
            state(visitor, "shown");
            assertEquals(text, visitor.locator("#content").textContent());
        } finally {
            creatorContext.close();
            visitorContext.close();
        }
    }

    @Test
    void plainHttpIsRedirectedToHttps() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), plainPort)) {
            s.setSoTimeout((int) AppPage.TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(("GET /some/page?x=1 HTTP/1.1\r\nHost: " + NAME + ":" + plainPort + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            assertTrue(status != null && status.matches("HTTP/1\\.1 301 .*"), "status line: " + status);
            String location = null;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(Locale.ROOT).startsWith("location:")) {
                    location = line.substring("location:".length()).trim();
                }
            }
            assertEquals("https://" + NAME + "/some/page?x=1", location);
        }
    }

    @Test
    void theServerStillRefusesForeignHostsAndKeepsStatsPrivate() {
        BrowserContext context = secureContext();
        try {
            Page page = context.newPage();
            // DNS rebinding: another name pointed at the proxy; nginx passes its Host on, the server answers 421
            assertEquals(421, page.navigate("https://" + FOREIGN + ":" + tlsPort + "/").status());
            // --admin-listen: the counts are not served through the public name
            assertEquals(404, page.navigate(base + "/api/stats").status());
        } finally {
            context.close();
        }
    }

    // ---- the server, as the docs start it ----

    /** Runs {@code ephemeral.signaling.Main} with the docs' arguments in a JVM of its own, as the jar would. */
    private Process startServer(String docs, int port, int adminPort) throws IOException {
        String command = Nginx.codeBlock(docs, "sh").replace("\\\n", " ").trim();
        command = Nginx.replace(command, "--port 8080\\b", "--port " + port, 1);
        command = Nginx.replace(command, "--admin-listen 127\\.0\\.0\\.1:9090\\b", "--admin-listen 127.0.0.1:" + adminPort, 1);
        List<String> words = new ArrayList<>(Arrays.asList(command.split("\\s+")));
        assertEquals(List.of("java", "-jar", "signaling.jar"), words.subList(0, 3), "the docs' start command");
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "ephemeral.signaling.Main"));
        argv.addAll(words.subList(3, words.size()));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(2)).build();
        Waits.until("the server to answer /healthz", Duration.ofSeconds(20), () -> {
            if (!p.isAlive()) throw new AssertionError("the server exited (" + p.exitValue() + "):\n" + serverLog());
            try {
                return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return p;
    }

    private void stopServer() {
        if (server == null) return;
        server.destroy();
        try {
            if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.destroyForcibly();
        }
    }

    private String serverLog() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ---- nginx, as the docs configure it ----

    /** The docs' nginx block with only the certificate, the listen ports and the upstream port replaced. */
    private String site(String docs, Path[] certificate, int serverPort) {
        String site = Nginx.codeBlock(docs, "nginx");
        site = Nginx.replace(site, "(?m)^(\\s*ssl_certificate\\s+)\\S+;", "$1" + certificate[0] + ";", 1);
        site = Nginx.replace(site, "(?m)^(\\s*ssl_certificate_key\\s+)\\S+;", "$1" + certificate[1] + ";", 1);
        site = Nginx.replace(site, "\\blisten 443\\b", "listen 127.0.0.1:" + tlsPort, 1);
        site = Nginx.replace(site, "\\blisten 80\\b", "listen 127.0.0.1:" + plainPort, 1);
        return Nginx.replace(site, "proxy_pass http://127\\.0\\.0\\.1:8080;",
                "proxy_pass http://127.0.0.1:" + serverPort + ";", 2);
    }

    /** @return {certificate, key} as PEM files: self-signed, for {@link #NAME}, valid two days */
    private Path[] selfSignedCertificate() throws IOException, InterruptedException {
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        Process p;
        try {
            p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=" + NAME, "-addext", "subjectAltName=DNS:" + NAME,
                    "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("openssl is missing: run scripts/install-deps (as root) to install it", e);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("openssl could not make a certificate (scripts/install-deps installs it):\n" + output);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return new Path[] {cert, key};
    }

    // ---- the browser ----

    /** Chromium with the usual offline switches, plus these names mapped to loopback (still no DNS at all). */
    private static BrowserType.LaunchOptions chromiumResolving(String... names) {
        BrowserType.LaunchOptions options = Browsers.chromiumOptions();
        String prefix = "--host-resolver-rules=";
        List<String> args = new ArrayList<>();
        for (String arg : options.args) {
            if (arg.startsWith(prefix)) {
                StringBuilder rules = new StringBuilder(prefix);
                for (String name : names) rules.append("MAP ").append(name).append(" 127.0.0.1 , ");
                arg = rules + arg.substring(prefix.length()); // the first matching MAP wins: ours come first
            }
            args.add(arg);
        }
        return options.setArgs(args);
    }

    /** A fresh profile that accepts the self-signed certificate (the page is still a secure context). */
    private BrowserContext secureContext() {
        BrowserContext context = chromium.newContext(new Browser.NewContextOptions().setIgnoreHTTPSErrors(true));
        context.setDefaultTimeout(AppPage.TIMEOUT_MS);
        return context;
    }

    private static void connected(Page page) {
        assertThat(page.locator("#conn")).hasAttribute("data-state", "open",
                new LocatorAssertions.HasAttributeOptions().setTimeout(AppPage.TIMEOUT_MS));
    }

    private static void state(Page page, String state) {
        assertThat(page.locator("#page-view")).hasAttribute("data-state", state,
                new LocatorAssertions.HasAttributeOptions().setTimeout(AppPage.TIMEOUT_MS));
    }

    // ---- plumbing ----

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** docs/deploy.md, from the module directory Maven runs tests in or from the repository root. */
    private static Path docsFile() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("docs").resolve("deploy.md");
            if (Files.isRegularFile(f)) return f;
        }
        throw new AssertionError("docs/deploy.md not found above " + Path.of("").toAbsolutePath());
    }
}
