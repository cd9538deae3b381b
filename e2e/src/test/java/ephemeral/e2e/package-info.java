/**
 * End-to-end tests: the real signaling server in-process on a free port, the real browser client, and
 * Debian's Chromium and Firefox ESR driven by Playwright-Java ({@link ephemeral.e2e.Browsers}, offline:
 * no DNS, no multicast, no STUN/TURN). Each test class launches each browser once and gives every peer
 * its own browser context ({@link ephemeral.e2e.AppPage}); {@link ephemeral.testing.TestServer} records
 * every WebSocket frame so that tests can prove page content never reaches the server.
 *
 * <p>Run: {@code mvn -o -pl e2e test} (after {@code mvn -o install -pl web,signaling,peer-node
 * -DskipTests}); one class: {@code -Dtest=PagesE2ETest}. Screenshots land in
 * {@code e2e/target/screenshots/}.
 */
package ephemeral.e2e;
