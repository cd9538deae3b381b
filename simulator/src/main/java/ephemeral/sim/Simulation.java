package ephemeral.sim;

import ephemeral.signaling.Guards;
import ephemeral.signaling.SignalingConfig;
import ephemeral.signaling.SignalingServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs one workload under one routing rule and returns what was measured. */
public final class Simulation {
    private Simulation() {
    }

    /**
     * Our rule, for real: a signaling server (in this process unless {@link SimOptions#server()} names one)
     * and one WebSocket per simulated peer, in real time.
     */
    public static Result ours(SimOptions o, Consumer<Recorder.Sample> progress) throws Exception {
        Workload w = Workload.of(o);
        SignalingServer server = null;
        URI uri = o.server();
        if (uri == null) {
            // every simulated peer comes from 127.0.0.1: the per-address limits would treat them as one abuser
            server = SignalingServer.create(SignalingConfig.defaults().withHost("127.0.0.1").withPort(0)
                    .withGuards(Guards.DEFAULTS.withMaxConnectionsPerAddress(0).withMaxRosterEntriesPerAddress(0))).start();
            uri = URI.create("ws://127.0.0.1:" + server.port() + "/ws");
        }
        long cpuBefore = server == null ? 0 : serverCpuNanos();
        long started = System.nanoTime();
        try (RealClock clock = new RealClock()) {
            Swarm swarm = new Swarm(o, w, clock);
            ServerNetwork network = new ServerNetwork(swarm, clock, uri);
            swarm.setNetwork(network);
            swarm.setProgress(progress);
            CompletableFuture<Result> result = new CompletableFuture<>();
            boolean inProcess = server != null;
            clock.execute(() -> swarm.start(() -> {
                long cpu = inProcess ? (serverCpuNanos() - cpuBefore) / 1_000_000 : -1;
                result.complete(result(swarm, "ours", o, cpu, started, network.countFrames.sum(),
                        java.util.Map.copyOf(network.errorCodes)));
                network.closeAll();
            }));
            return result.get(o.durationMs() + o.wantTimeoutMs() + 120_000, TimeUnit.MILLISECONDS);
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }

    /** ephemeral2's coin-flip rule on the same workload, modelled in virtual time (seconds for a long run). */
    public static Result coinflip(SimOptions o) {
        Workload w = Workload.of(o);
        VirtualClock clock = new VirtualClock();
        Swarm swarm = new Swarm(o, w, clock);
        swarm.setNetwork(new CoinFlipNetwork(swarm, clock, o.latencyMs(), o.seed()));
        long started = System.nanoTime();
        Result[] out = new Result[1];
        swarm.start(() -> {
            out[0] = result(swarm, "coinflip", o, -1, started, 0, java.util.Map.of());
            clock.stop();
        });
        clock.run();
        return out[0];
    }

    private static Result result(Swarm swarm, String routing, SimOptions o, long serverCpuMs, long startedNanos,
                                 long countFrames, java.util.Map<String, Long> errors) {
        List<Set<Integer>> holders = swarm.holders();
        int[] atEnd = new int[holders.size()];
        for (int p = 0; p < atEnd.length; p++) {
            atEnd[p] = holders.get(p).size();
        }
        return new Result(routing, o, swarm.recorder, swarm.served.clone(), swarm.everHeld.clone(), serverCpuMs,
                (System.nanoTime() - startedNanos) / 1_000_000, atEnd, countFrames, errors);
    }

    /** CPU of this process's threads other than the simulated peers' (the clock and the WebSocket clients). */
    static long serverCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith("sim") || name.startsWith("HttpClient") || name.equals("main")) {
                continue;
            }
            long t = mx.getThreadCpuTime(info.getThreadId());
            sum += Math.max(0, t);
        }
        return sum;
    }
}
