package ephemeral.signaling.metrics;

import ephemeral.protocol.ErrorCode;
import ephemeral.signaling.Stats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * What {@code GET /metrics} shows operators, in Prometheus text format; docs/deploy.md lists the metrics.
 *
 * <p>Every server metric reads a counter the server keeps anyway for {@code /api/stats}: one {@link Stats}
 * snapshot is taken per scrape and the gauges and function counters read it, so the routing path does no
 * extra work for metrics and one scrape shows one consistent moment. Tags are fixed words and error codes
 * only: no hash, peer id or anything a peer sent ever becomes a name, a tag or a value.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Supplier<Stats> stats;
    /** Held here because meters keep only a weak reference to the object they read. */
    private final ToLongFunction<ErrorCode> refused;
    private volatile Stats snapshot;

    /**
     * @param stats   the server's counts, as {@code /api/stats} reports them
     * @param refused {@code error} frames sent so far with a code
     */
    public ServerMetrics(Supplier<Stats> stats, ToLongFunction<ErrorCode> refused) {
        this.stats = stats;
        this.refused = refused;

        gauge("ephemeral.connections", "Open WebSocket connections (peers)", s -> s.connections());
        gauge("ephemeral.pages", "Pages with at least one holder or wanter", s -> s.pages());
        Gauge.builder("ephemeral.roster.entries", this, m -> m.current().holders())
                .description("Roster entries over all pages, by role (holder: has the page; wanter: wants it)")
                .tag("role", "holder").register(registry);
        Gauge.builder("ephemeral.roster.entries", this, m -> m.current().wanters())
                .description("Roster entries over all pages, by role (holder: has the page; wanter: wants it)")
                .tag("role", "wanter").register(registry);

        counter("ephemeral.wants.routed", "Wants routed to one holder (content_request sent, routed told)",
                s -> s.requestsRouted());
        counter("ephemeral.wants.deferred", "Wants held back by the fair routing rates, to be retried",
                s -> s.requestsDeferred());
        counter("ephemeral.signals.relayed", "SDP/ICE signals relayed between paired peers", s -> s.signalsRelayed());
        counter("ephemeral.peers.messages", "Peer count (peers) frames sent", s -> s.peersMessagesSent());
        counter("ephemeral.reports", "Reports of unresponsive or misbehaving holders accepted", s -> s.reports());
        gauge("ephemeral.volunteers", "Volunteer seeds connected (they keep pages alive on request)",
                s -> s.volunteers());
        String keeps = "Keep requests by how they ended: kept by a volunteer, or refused (no_volunteer)";
        FunctionCounter.builder("ephemeral.keeps", this, m -> m.current().keepsKept())
                .description(keeps).tag("outcome", "kept").register(registry);
        FunctionCounter.builder("ephemeral.keeps", this, m -> m.current().keepsRefused())
                .description(keeps).tag("outcome", "refused").register(registry);
        counter("ephemeral.weak.notices", "Pages down to one holder offered to a volunteer (weak)", s -> s.weakNotices());
        counter("ephemeral.connections.refused", "WebSocket upgrades refused by the per-address connection limit",
                s -> s.connectionsRefused());
        String closed = "Connections the server closed: abuse = kept sending while rate-limited, "
                + "slow_consumer = stopped reading until its outbox overflowed";
        FunctionCounter.builder("ephemeral.connections.closed", this, m -> m.current().closedForAbuse())
                .description(closed).tag("reason", "abuse").register(registry);
        FunctionCounter.builder("ephemeral.connections.closed", this, m -> m.current().closedSlowConsumers())
                .description(closed).tag("reason", "slow_consumer").register(registry);
        gauge("ephemeral.cluster.nodes", "Live nodes of this server's cluster, itself included (1: a single server)",
                s -> s.nodes());
        gauge("ephemeral.cluster.peers", "Peers of all cluster nodes that hold or want a page", s -> s.clusterPeers());
        Gauge.builder("ephemeral.redis.round.trip", this, m -> m.current().redisRoundTripMillis() / 1e3)
                .description("The last heartbeat's Redis round trip (-0.001: unreachable; 0: no cluster)")
                .baseUnit("seconds").register(registry);
        String cluster = "Messages through Redis: roster changes, requests and relayed frames, by direction";
        FunctionCounter.builder("ephemeral.cluster.messages", this, m -> m.current().clusterPublished())
                .description(cluster).tag("direction", "out").register(registry);
        FunctionCounter.builder("ephemeral.cluster.messages", this, m -> m.current().clusterReceived())
                .description(cluster).tag("direction", "in").register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.UNKNOWN) { // a client-side stand-in, never sent
                FunctionCounter.builder("ephemeral.messages.refused", this, m -> m.refused.applyAsLong(code))
                        .description("Client messages refused with an error frame, by its code (docs/protocol.md)")
                        .tag("code", code.wire()).register(registry);
            }
        }

        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** One exposition: the body and the content type it is written in. */
    public record Scrape(String contentType, String body) {
    }

    /** Every metric, as OpenMetrics if the {@code Accept} header asks for it, else Prometheus text 0.0.4. */
    public synchronized Scrape scrape(String accept) {
        snapshot = stats.get();
        String type = accept != null && accept.contains("application/openmetrics-text")
                ? OpenMetricsTextFormatWriter.CONTENT_TYPE
                : PrometheusTextFormatWriter.CONTENT_TYPE;
        return new Scrape(type, registry.scrape(type));
    }

    private Stats current() {
        Stats s = snapshot;
        return s != null ? s : stats.get();
    }

    private void gauge(String name, String help, ToDoubleFunction<Stats> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.current())).description(help).register(registry);
    }

    private void counter(String name, String help, ToDoubleFunction<Stats> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.current())).description(help).register(registry);
    }

    /** Unhooks the GC listeners (they are the JVM's, not this server's) and the registry. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
