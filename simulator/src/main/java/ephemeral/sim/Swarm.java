package ephemeral.sim;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The peers of one run and what they do, as the real clients do it, reduced to what is measured: come
 * online, create or want a page, serve a page when asked (one upload at a time, at the modelled bandwidth),
 * hold what they got, exclude a holder that did not answer in 2 s or left mid-transfer, give up after the
 * want timeout, leave when their session ends. Transfers themselves are not sent: the two peers the network
 * paired exchange one offer and one answer through it, and the page "arrives" when the model says so.
 */
final class Swarm {
    /** As docs/protocol.md: a routed holder that sent nothing in this long is excluded and another asked. */
    static final long ROUTED_WAIT_MS = 2_000;

    private final SimOptions options;
    private final Workload workload;
    private final Clock clock;
    final Recorder recorder = new Recorder();
    private Network network;
    private final Peer[] peers;
    /** Online holders per page: for the survival curve and the final status. */
    private final List<Set<Integer>> holdersOf = new ArrayList<>();
    /** Uploads each peer served, indexed by peer; and whether it ever held a page. */
    final long[] served;
    final boolean[] everHeld;
    private boolean ended;
    private java.util.function.Consumer<Recorder.Sample> progress = s -> { };

    private static final class Peer {
        final Workload.Arrival arrival;
        boolean online;
        final Set<Integer> holds = new HashSet<>();
        int wanting = -1;
        long wantAt;
        int wantSeq;
        int attemptSeq;
        int reached;
        int routedTo = -1;
        boolean signalled;
        final Set<Integer> excluded = new HashSet<>();
        long busyUntil;
        final List<Transfer> uploads = new ArrayList<>();

        Peer(Workload.Arrival arrival) {
            this.arrival = arrival;
        }
    }

    private record Transfer(int holder, int wanter, int page, int wantSeq) {
    }

    Swarm(SimOptions options, Workload workload, Clock clock) {
        this.options = options;
        this.workload = workload;
        this.clock = clock;
        this.peers = new Peer[workload.arrivals.size()];
        this.served = new long[peers.length];
        this.everHeld = new boolean[peers.length];
        for (int p = 0; p < options.pages(); p++) {
            holdersOf.add(new HashSet<>());
        }
    }

    /** Called with every tenth sample (every 10 s of the run). */
    void setProgress(java.util.function.Consumer<Recorder.Sample> progress) {
        this.progress = progress == null ? s -> { } : progress;
    }

    void setNetwork(Network network) {
        this.network = network;
    }

    int pages() {
        return options.pages();
    }

    Workload workload() {
        return workload;
    }

    /** Schedules every arrival, the sampling and the end; the clock then runs them. */
    void start(Runnable onEnd) {
        for (Workload.Arrival a : workload.arrivals) {
            clock.schedule(a.atMs(), () -> arrive(a));
        }
        sample();
        clock.schedule(options.durationMs() + options.wantTimeoutMs(), () -> {
            ended = true;
            recorder.series.add(row());
            onEnd.run();
        });
    }

    private void sample() {
        if (ended) {
            return;
        }
        Recorder.Sample row = row();
        recorder.series.add(row);
        if (recorder.series.size() % 10 == 0) {
            progress.accept(row);
        }
        clock.schedule(1000, this::sample);
    }

    private Recorder.Sample row() {
        int online = 0;
        int wanting = 0;
        long messages = 0;
        for (int i = 0; i < peers.length; i++) {
            if (peers[i] != null) {
                messages += network.messages(i);
                if (peers[i].online) {
                    online++;
                    wanting += peers[i].wanting >= 0 ? 1 : 0;
                }
            }
        }
        int alive = 0;
        int holders = 0;
        for (Set<Integer> h : holdersOf) {
            alive += h.isEmpty() ? 0 : 1;
            holders += h.size();
        }
        return new Recorder.Sample(clock.nowMs(), online, alive, holders, wanting, recorder.fetched, recorder.failed, messages);
    }

    private void arrive(Workload.Arrival a) {
        Peer p = new Peer(a);
        peers[a.peer()] = p;
        p.online = true;
        recorder.peersSeen++;
        network.connect(a.peer());
        clock.schedule(a.sessionMs(), () -> depart(a.peer()));
    }

    void onWelcome(int id) {
        Peer p = peers[id];
        if (!p.online) {
            return;
        }
        if (p.arrival.creator()) {
            hold(id, p.arrival.page());
        } else if (!ended) {
            p.wanting = p.arrival.page();
            p.wantAt = clock.nowMs();
            p.wantSeq++;
            int seq = p.wantSeq;
            attempt(id);
            clock.schedule(options.wantTimeoutMs(), () -> giveUp(id, seq));
        }
    }

    private void hold(int id, int page) {
        Peer p = peers[id];
        p.holds.add(page);
        holdersOf.get(page).add(id);
        everHeld[id] = true;
        network.have(id, page);
    }

    private void attempt(int id) {
        Peer p = peers[id];
        endAttempt(p);
        p.attemptSeq++;
        p.routedTo = -1;
        p.signalled = false;
        network.want(id, p.wanting, Set.copyOf(p.excluded));
    }

    private void endAttempt(Peer p) {
        if (p.attemptSeq > 0 && p.reached >= 0) {
            recorder.attemptEnded(p.reached);
        }
        p.reached = 0;
    }

    /** The server says which holder it chose (our rule only): a holder that stays silent is excluded. */
    void onRouted(int wanter, int holder) {
        Peer p = peers[wanter];
        if (p.wanting < 0) {
            return;
        }
        p.routedTo = holder;
        int attempt = p.attemptSeq;
        clock.schedule(ROUTED_WAIT_MS, () -> {
            if (p.online && p.wanting >= 0 && p.attemptSeq == attempt && !p.signalled) {
                p.excluded.add(holder);
                attempt(wanter);
            }
        });
    }

    /** For the coin-flip model: the wanter heard from no holder since its last request. */
    boolean unanswered(int wanter, int attempt) {
        Peer p = peers[wanter];
        return p.online && p.wanting >= 0 && p.attemptSeq == attempt && !p.signalled;
    }

    int attemptOf(int wanter) {
        return peers[wanter].attemptSeq;
    }

    void retry(int wanter) {
        attempt(wanter);
    }

    /** A holder was asked to send {@code page} to {@code wanter}: it offers, and uploads when its upload is free. */
    void onContentRequest(int holder, int page, int wanter) {
        Peer h = peers[holder];
        Peer w = peers[wanter];
        if (w != null && w.wanting == page) {
            w.reached++;
        }
        if (h == null || !h.online || !h.holds.contains(page) || w == null) {
            return; // the wanter's routed wait runs out
        }
        network.signal(holder, wanter, page, true);
        long now = clock.nowMs();
        long start = Math.max(now + 2 * options.latencyMs(), h.busyUntil);
        long finish = start + workload.sizes[page] * 1000 / options.uploadBytesPerSecond();
        h.busyUntil = finish;
        Transfer t = new Transfer(holder, wanter, page, w.wantSeq);
        h.uploads.add(t);
        clock.schedule(finish - now, () -> complete(t));
    }

    void onSignal(int to, int from, int page, boolean offer) {
        Peer p = peers[to];
        if (p == null || !p.online) {
            return;
        }
        if (offer && p.wanting == page) {
            p.signalled = true;
            network.signal(to, from, page, false);
        }
    }

    private void complete(Transfer t) {
        Peer h = peers[t.holder()];
        Peer w = peers[t.wanter()];
        h.uploads.remove(t);
        if (!h.online) {
            return;
        }
        if (!w.online || w.wanting != t.page() || w.wantSeq != t.wantSeq()) {
            recorder.wastedTransfers++; // another holder was quicker, or the wanter left or gave up
            return;
        }
        endAttempt(w);
        w.reached = -1;
        recorder.fetched++;
        recorder.timeToContentMs.add(clock.nowMs() - w.wantAt);
        recorder.edges.add(new Recorder.Edge(t.holder(), t.wanter(), t.page(), clock.nowMs()));
        served[t.holder()]++;
        w.wanting = -1;
        w.excluded.clear();
        hold(t.wanter(), t.page());
    }

    private void giveUp(int id, int seq) {
        Peer p = peers[id];
        if (!p.online || p.wanting < 0 || p.wantSeq != seq) {
            return;
        }
        endAttempt(p);
        p.reached = -1;
        recorder.failed++;
        network.unwant(id, p.wanting);
        p.wanting = -1;
    }

    private void depart(int id) {
        Peer p = peers[id];
        if (!p.online) {
            return;
        }
        p.online = false;
        if (p.wanting >= 0) {
            endAttempt(p);
            p.reached = -1;
            recorder.abandoned++;
            p.wanting = -1;
        }
        for (int page : p.holds) {
            holdersOf.get(page).remove(id);
        }
        network.leave(id);
        // its uploads break off: each wanter notices its channel close and asks again, without this holder
        for (Transfer t : List.copyOf(p.uploads)) {
            Peer w = peers[t.wanter()];
            clock.schedule(options.latencyMs(), () -> {
                if (w.online && w.wanting == t.page() && w.wantSeq == t.wantSeq()) {
                    w.excluded.add(t.holder());
                    attempt(t.wanter());
                }
            });
        }
        p.uploads.clear();
    }

    /** Online holders of each page now. */
    List<Set<Integer>> holders() {
        return holdersOf;
    }

    boolean online(int id) {
        return peers[id] != null && peers[id].online;
    }
}
