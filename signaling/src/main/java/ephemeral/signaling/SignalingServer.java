package ephemeral.signaling;

import ephemeral.protocol.Codec;
import ephemeral.signaling.cluster.RedisCluster;
import ephemeral.signaling.http.HostPolicy;
import ephemeral.signaling.http.WebApp;
import ephemeral.signaling.metrics.ServerMetrics;
import ephemeral.signaling.roster.Hub;
import ephemeral.signaling.ws.OriginPolicy;
import ephemeral.signaling.ws.SignalingSocket;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;

/**
 * The signaling server: built unstarted by {@link #create}, so tests (and {@link Main}) decide when and on
 * which port it runs. It keeps rosters in memory and stores no page content.
 */
public final class SignalingServer {
    private final SignalingConfig config;
    private final Javalin app;
    /**
     * The operators' listener ({@code /api/stats}, {@code /metrics}) when {@code --admin-listen} gives one; else
     * null and the public port serves them.
     */
    private final Javalin admin;
    private final Hub hub;
    private final SignalingSocket socket;
    private final ServerMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private volatile FrameTap tap;
    /** This node's part in a cluster when the config names a Redis; null: a single server. */
    private volatile RedisCluster cluster;

    private SignalingServer(SignalingConfig config) {
        this.config = config;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "signaling-timers");
            t.setDaemon(true);
            return t;
        });
        this.hub = new Hub(config.limits(), config.guards().fairness(), config.guards().maxRosterEntries(),
                config.guards().maxHolderEntries(), config.guards().maxRosterEntriesPerAddress(),
                config.peersIntervalMillis(), scheduler);
        this.socket = new SignalingSocket(config, hub, () -> tap, scheduler);
        this.metrics = new ServerMetrics(this::stats, socket::refused);
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        HostPolicy hosts = new HostPolicy(config.allowedHosts());
        WebApp web = WebApp.fromClasspath();
        // Jetty closes a frame over this with 1009 before buffering more of it: a connection's partial frame
        // costs at most maxFrameBytes, however many connections send one
        long maxFrame = config.limits().maxFrameBytes();
        this.admin = config.adminListen() == null ? null : adminListener(config.adminListen());
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            cfg.jetty.modifyServletContextHandler(handler -> JettyWebSocketServletContainerInitializer.configure(handler,
                    (servletContext, container) -> {
                        // the heartbeat closes silent peers; Jetty's own idle timeout is only a backstop
                        container.setIdleTimeout(Duration.ofSeconds(2L * config.idleSeconds()));
                        container.setMaxTextMessageSize(maxFrame);
                        container.setMaxBinaryMessageSize(maxFrame);
                        // Jetty sizes each incoming text message's builder by this buffer; our frames are
                        // ~100-300 bytes, and the 4 KiB default made it most of the server's garbage
                        container.setInputBufferSize(1024);
                        container.addMapping("/ws", socket.creator(origins, hosts));
                    }));
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/web/static";
                files.location = Location.CLASSPATH;
                files.headers.put("Cache-Control", "no-cache");
                // compress each file once, not on every request: a first visit fetches the whole module
                // graph, and time to content waits for it (docs/benchmarks.md, ttc.step.modules_fetched)
                files.precompressMaxSize = 256 * 1024;
            });
            cfg.routes.before(ctx -> {
                if (!hosts.allows(ctx.header("Host"))) {
                    throw new HttpResponseException(421, "unknown host: start the server with --allowed-host NAME");
                }
                web.secureHeaders(ctx);
            });
            cfg.routes.get("/healthz", ctx -> ctx.result("ok"));
            if (config.adminListen() == null) {
                cfg.routes.get("/api/stats", this::serveStats);
                cfg.routes.get("/metrics", this::serveMetrics);
            }
            cfg.routes.get("/", web::home);
            cfg.routes.get("/{hash}", web::page);
            cfg.routes.get("/live/{key}", web::live);
        });
    }

    private Javalin adminListener(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            cfg.jetty.port = Integer.parseInt(hostPort.substring(colon + 1));
            cfg.routes.get("/healthz", ctx -> ctx.result("ok"));
            cfg.routes.get("/api/stats", this::serveStats);
            cfg.routes.get("/metrics", this::serveMetrics);
        });
    }

    private void serveStats(io.javalin.http.Context ctx) {
        ctx.contentType("application/json").result(Codec.encode(stats()));
    }

    private void serveMetrics(io.javalin.http.Context ctx) {
        ServerMetrics.Scrape scrape = metrics.scrape(ctx.header("Accept"));
        ctx.contentType(scrape.contentType()).result(scrape.body());
    }

    /** Builds the server without starting it. */
    public static SignalingServer create(SignalingConfig config) {
        return new SignalingServer(config);
    }

    /** Starts listening; with a Redis in the config, joins the cluster first (and throws if it cannot). */
    public SignalingServer start() {
        if (config.redis() != null) {
            cluster = RedisCluster.join(config.redis(), hub);
        }
        try {
            app.start();
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
        if (admin != null) {
            admin.start();
        }
        scheduler.scheduleAtFixedRate(socket::heartbeat, config.pingSeconds(), config.pingSeconds(), TimeUnit.SECONDS);
        return this;
    }

    /** The bound port (useful when configured with port 0). */
    public int port() {
        return app.port();
    }

    /** The operators' listener's port, or -1 when the public port serves {@code /api/stats} and {@code /metrics}. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public void stop() {
        socket.closeAll();
        app.stop();
        if (admin != null) {
            admin.stop();
        }
        scheduler.shutdownNow();
        if (cluster != null) {
            cluster.close();
        }
        metrics.close();
    }

    public SignalingConfig config() {
        return config;
    }

    /** Installs (or with null removes) a tap on every frame. */
    public void setFrameTap(FrameTap frameTap) {
        this.tap = frameTap;
    }

    public Stats stats() {
        Hub.RosterStats r = hub.stats();
        RedisCluster c = cluster;
        return new Stats(r.connections(), r.pages(), r.holders(), r.wanters(), r.requestsRouted(),
                r.requestsDeferred(), r.reports(), r.signalsRelayed(), r.peersMessagesSent(), socket.errorsSent(),
                socket.connectionsRefused(), socket.closedForAbuse(), socket.closedSlowConsumers(),
                r.volunteers(), r.keepsAsked(), r.keepsKept(), r.keepsRefused(), r.weakNotices(),
                c == null ? null : c.node(), c == null ? 1 : c.liveNodes(), r.connections() + r.remotePeers(),
                c == null ? 0 : c.roundTripNanos() < 0 ? -1 : c.roundTripNanos() / 1e6,
                c == null ? 0 : c.published(), c == null ? 0 : c.received());
    }
}
