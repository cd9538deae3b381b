package ephemeral.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ephemeral.e2e.Browsers.Kind;
import ephemeral.testing.TestServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The app over plain http on this machine's own LAN address: an insecure context, where
 * {@code crypto.subtle} does not exist, so hashing falls back to the app's own SHA-256. Only this
 * machine's address is used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsecureContextE2ETest {
    private Browsers browsers;
    private TestServer server;
    private String base;
    private final String secret = "e2e-insecure-" + UUID.randomUUID();

    @BeforeAll
    void start() {
        List<InetAddress> own = Browsers.ownAddresses();
        // CI machines have one: there, a missing address is a broken machine, not a reason to skip silently
        if (System.getenv("CI") != null) {
            assertFalse(own.isEmpty(), "no non-loopback IPv4 address on this CI machine");
        }
        assumeFalse(own.isEmpty(), "no non-loopback IPv4 address on this machine");
        server = TestServer.start("0.0.0.0");
        server.guard().register(secret);
        base = server.baseUrl(own.get(0).getHostAddress());
        browsers = Browsers.create();
    }

    @AfterEach
    void nothingReachedTheServer() {
        if (server != null) {
            server.assertClean();
        }
    }

    @AfterAll
    void stop() {
        if (server == null) return;
        try {
            server.assertClean();
        } finally {
            browsers.close();
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void worksWithoutWebCrypto(Kind creator) {
        String text = "no WebCrypto here, " + creator + ", ünïcødé ✓\n" + secret;
        AppPage a = AppPage.in(browsers, creator).open(base + "/");
        assertEquals(Boolean.FALSE, a.page().evaluate("() => window.isSecureContext"));
        assertEquals(Boolean.FALSE, a.page().evaluate("() => !!(self.crypto && self.crypto.subtle)"));
        String url = a.shareText(text); // asserts the URL is the SHA-256 of the text
        assertEquals(base + "/" + AppPage.sha256Hex(text.getBytes(StandardCharsets.UTF_8)), url);

        AppPage b = AppPage.in(browsers, creator.other()).open(url);
        assertFalse((Boolean) b.page().evaluate("() => window.isSecureContext"));
        b.waitState("shown");
        assertEquals(text, b.content());
        b.waitCounts(2, 0);

        byte[] file = Payloads.random(3 * 1024 * 1024 + 17, secret, 3);
        server.guard().register(file);
        AppPage c = AppPage.in(browsers, creator.other()).open(base + "/");
        String fileUrl = c.shareFile("odd.bin", "application/octet-stream", file);
        b.page().navigate(fileUrl);
        b.waitConnected();
        b.waitState("shown");
        a.close();
        b.close();
        c.close();
    }
}
