package ephemeral.signaling.roster;

import ephemeral.protocol.Codec;
import ephemeral.protocol.signaling.ServerMessage;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The 1/N rule with fairness (docs/protocol.md, "Routing" and "Fair routing"): a want goes to one holder
 * chosen uniformly among the eligible holders in good standing — not excluded, not the wanter, under
 * their request rates, not quarantined by reports. A quarantined holder is chosen only when no other
 * can be; a want whose rates are spent waits (pending) and is retried when they refill. Called under the
 * {@link Hub}'s lock; deferred retries take it themselves.
 */
final class Router {
    /** A want no holder can take now (all busy) is looked at again this soon. */
    private static final long BUSY_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Fairness fairness;
    private final long pairingNanos;
    private final SplittableRandom random;
    private final ScheduledExecutorService scheduler;
    private final Object lock;
    private final Function<String, Page> pages;
    private final Supplier<Replica> replica;
    final AtomicLong requestsRouted = new AtomicLong();
    final AtomicLong requestsDeferred = new AtomicLong();

    Router(Fairness fairness, int pairingSeconds, SplittableRandom random, ScheduledExecutorService scheduler,
           Object lock, Function<String, Page> pages, Supplier<Replica> replica) {
        this.replica = replica;
        this.fairness = fairness;
        this.pairingNanos = TimeUnit.SECONDS.toNanos(pairingSeconds);
        this.random = random;
        this.scheduler = scheduler;
        this.lock = lock;
        this.pages = pages;
    }

    /** Routes {@code wanter}'s want of {@code page} now if it may be, else leaves it pending. */
    void tryRoute(Page page, Peer wanter, Set<String> exclude, long now) {
        Peer.Want want = wanter.wanted.get(page.hash);
        if (want == null) {
            return;
        }
        long wait = want.routes.nanosUntilAvailable(now, fairness.wantRoutes());
        if (wait > 0) {
            page.pend(wanter, exclude);
            deferBy(page, wanter, want, wait);
            return;
        }
        Peer holder = page.pickHolder(wanter, exclude, h -> mayAsk(wanter, h, now) && !page.quarantined(h, now), random);
        if (holder == null) {
            holder = page.pickHolder(wanter, exclude, h -> mayAsk(wanter, h, now), random);
        }
        if (holder == null) {
            page.pend(wanter, exclude);
            if (page.pickHolder(wanter, exclude, h -> true, random) != null) {
                deferBy(page, wanter, want, BUSY_RETRY_NANOS); // eligible holders exist, all at their rates
            }
            return; // nobody eligible: pending until a holder announces the page
        }
        page.unpend(wanter);
        want.routes.take(now, fairness.wantRoutes());
        wanter.asked(holder.id(), now, fairness.pairRoutes());
        holder.asHolder.take(now, holderRate());
        wanter.pair(holder.id(), page.hash, now + pairingNanos);
        requestsRouted.incrementAndGet(); // before the frames (Stats)
        if (holder.remote()) {
            replica.get().request(holder.node, holder.id(), page.hash, wanter.id()); // its node pairs them too
        } else {
            holder.send(Codec.encode(new ServerMessage.ContentRequest(page.hash, wanter.id())));
        }
        // the wanter learns whom it waits for, so a holder that never answers can be excluded next time
        wanter.send(Codec.encode(new ServerMessage.Routed(page.hash, holder.id())));
    }

    /** A holder arrived: the pending wants it is eligible for get another chance, oldest first. */
    void routePending(Page page, Peer newcomer, long now) {
        for (Map.Entry<Peer, Set<String>> e : page.pendingWants()) {
            if (Page.eligible(newcomer, e.getKey(), e.getValue())) {
                tryRoute(page, e.getKey(), e.getValue(), now);
            }
        }
    }

    /** Whether both rates allow it; a pair that never met has a full bucket, so nothing is made for it here. */
    private boolean mayAsk(Peer wanter, Peer holder, long now) {
        if (!holder.asHolder.available(now, holderRate())) {
            return false;
        }
        return wanter.mayAsk(holder.id(), now, fairness.pairRoutes());
    }

    /**
     * The requests one holder may be sent per second by this node: in a cluster every node routes to every
     * holder, so each takes its share and the holder is sent at most the configured rate in all.
     */
    private double holderRate() {
        return fairness.holderRequests() / replica.get().nodes();
    }

    private void deferBy(Page page, Peer wanter, Peer.Want want, long nanos) {
        requestsDeferred.incrementAndGet();
        if (want.retryScheduled) {
            return;
        }
        want.retryScheduled = true;
        scheduler.schedule(() -> {
            synchronized (lock) {
                want.retryScheduled = false;
                Set<String> exclude = page.pendingExclude(wanter);
                if (pages.apply(page.hash) == page && exclude != null && wanter.wanted.get(page.hash) == want) {
                    tryRoute(page, wanter, exclude, System.nanoTime());
                }
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }
}
