package ephemeral.signaling.roster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * Reports count per address, not per connection: one machine opening many connections (sybils) cannot get
 * an honest holder quarantined. The routing consequence is tested end to end in FairnessTest.
 */
class ReportSourcesTest {
    private static final Fairness THREE = new Fairness(1, 10, 50, 3, 60);

    @Test
    void threeConnectionsOfOneAddressAreOneReporter() throws Exception {
        Page page = new Page("p", 0);
        Peer holder = peer("h", "192.0.2.1");
        page.addHolder(holder);
        for (String sybil : new String[] {"s1", "s2", "s3", "s4"}) {
            assertFalse(page.report(holder, peer(sybil, "198.51.100.7").source.key, 1, THREE));
        }
        assertFalse(page.quarantined(holder, 2));
        assertFalse(page.report(holder, peer("x", "203.0.113.5").source.key, 3, THREE));
        assertTrue(page.report(holder, peer("y", "203.0.113.6").source.key, 4, THREE), "the third address");
        assertTrue(page.quarantined(holder, 5));
    }

    @Test
    void anIpv6SubscriberIsOneSourceAcrossItsSlash64() throws Exception {
        String a = Source.keyOf(InetAddress.getByName("2001:db8:1:2::1"));
        String b = Source.keyOf(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        String other = Source.keyOf(InetAddress.getByName("2001:db8:1:3::1"));
        assertTrue(a.equals(b), a + " vs " + b);
        assertFalse(a.equals(other));
    }

    private static Peer peer(String id, String address) throws Exception {
        return new Peer(id, frame -> { }, Source.of(Source.keyOf(InetAddress.getByName(address))));
    }
}
