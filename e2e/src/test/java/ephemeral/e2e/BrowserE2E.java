package ephemeral.e2e;

import ephemeral.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What every browser test class shares: one real server and one set of browsers for the class, and the
 * check (scenario 9) that no frame the server received or sent ever held any page's content — every test
 * puts a {@link #secret} in what it shares, and the class fails if the server saw one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrowserE2E {
    protected Browsers browsers;
    protected TestServer server;
    private final List<String> secrets = new ArrayList<>();

    @BeforeAll
    void startServerAndBrowsers() {
        server = TestServer.start();
        browsers = Browsers.create();
    }

    @AfterAll
    void stopServerAndBrowsers() {
        try {
            server.assertNoFrameContains(secrets);
        } finally {
            try {
                browsers.close();
            } finally {
                server.close();
            }
        }
    }

    /** A distinctive string for page content; the server must never see it. */
    protected String secret(String what) {
        String secret = "e2e-" + what + "-" + UUID.randomUUID();
        secrets.add(secret);
        return secret;
    }
}
