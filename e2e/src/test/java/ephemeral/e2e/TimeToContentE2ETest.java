package ephemeral.e2e;

import ephemeral.e2e.Browsers.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Time from navigation to verified content on screen, as the visitor's own clock sees it (the app's
 * {@code content-shown} performance mark). Target p50 ≤ 400 ms; this test prints the figures and fails
 * only above a loose bound, as a 2-core CI machine running two browsers is noisy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeToContentE2ETest {
    private static final int VISITS = 7;
    private static final double P50_BOUND_MS = 1500;

    private Browsers browsers;
    private TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start();
        browsers = Browsers.create();
    }

    @AfterAll
    void stop() {
        browsers.close();
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void visitorSeesContentQuickly(Kind visitorKind) {
        AppPage holder = AppPage.in(browsers, visitorKind.other()).open(server.baseUrl() + "/");
        String url = holder.shareText("quick " + UUID.randomUUID());
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < VISITS; i++) {
            AppPage v = AppPage.in(browsers, visitorKind);
            v.page().navigate(url);
            v.waitState("shown");
            times.add(((Number) v.page().evaluate(
                    "() => performance.getEntriesByName('content-shown')[0].startTime")).doubleValue());
            v.close();
        }
        Collections.sort(times);
        double p50 = times.get(times.size() / 2);
        System.out.printf("time to content, %s holder -> %s visitor: p50 %.0f ms, all %s%n",
                visitorKind.other(), visitorKind, p50, times);
        assertTrue(p50 <= P50_BOUND_MS, "p50 " + p50 + " ms");
        holder.close();
    }
}
