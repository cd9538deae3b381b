package ephemeral.signaling.roster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The rosters of one hash. Guarded by the {@link Hub}'s lock. Most pages have one holder and nobody
 * waiting (a seed announces thousands of them), so every collection but the holder list is made only when
 * first needed: a page with one holder costs ~150 bytes, not ~500.
 */
final class Page {
    /** Past this many holders, an index makes removal O(1); below it a scan of the list is cheaper. */
    private static final int INDEX_FROM = 8;

    final String hash;
    /** An array so a uniform pick is one random index. */
    private final ArrayList<Peer> holders = new ArrayList<>(1);
    private Map<Peer, Integer> holderIndex;
    private Set<Peer> wanters;
    /** Wanters with no eligible holder yet (or held back by a rate), in arrival order, with their exclusions. */
    private LinkedHashMap<Peer, Set<String>> pending;

    /** Holders wanters reported for this page; null until the first report. */
    private Map<String, Reports> reports;

    /** Who reported one holder, and until when it is not chosen while others are eligible. */
    private static final class Reports {
        final Set<String> by = new HashSet<>();
        long quarantinedUntil;
    }

    /** Peers sent a snapshot of the counts since the last broadcast, and the counts they were sent. */
    private Map<Peer, Long> snapshots;

    boolean countsScheduled;
    long lastCountsAt;
    /** The size a holder declared in its last {@code keep} (-1: none did): what a {@code weak} notice tells. */
    long declaredSize = -1;
    /** When volunteers were last told this page is down to one holder (System.nanoTime), 0: never. */
    long weakNoticeAt;

    Page(String hash, long now) {
        this.hash = hash;
        // so that the first change of a new page is broadcast at once
        this.lastCountsAt = now - Long.MAX_VALUE / 4;
    }

    int holderCount() {
        return holders.size();
    }

    int wanterCount() {
        return wanters == null ? 0 : wanters.size();
    }

    int members() {
        return holders.size() + wanterCount();
    }

    /** The one holder of a page down to one, else null. */
    Peer onlyHolder() {
        return holders.size() == 1 ? holders.get(0) : null;
    }

    boolean isEmpty() {
        return holders.isEmpty() && wanterCount() == 0;
    }

    void addHolder(Peer peer) {
        holders.add(peer);
        if (holderIndex != null) {
            holderIndex.put(peer, holders.size() - 1);
        } else if (holders.size() > INDEX_FROM) {
            holderIndex = new HashMap<>();
            for (int i = 0; i < holders.size(); i++) {
                holderIndex.put(holders.get(i), i);
            }
        }
    }

    void removeHolder(Peer peer) {
        if (reports != null) {
            reports.remove(peer.id());
        }
        int index;
        if (holderIndex != null) {
            Integer at = holderIndex.remove(peer);
            if (at == null) {
                return;
            }
            index = at;
        } else {
            index = holders.indexOf(peer);
            if (index < 0) {
                return;
            }
        }
        Peer last = holders.remove(holders.size() - 1);
        if (last != peer) {
            holders.set(index, last);
            if (holderIndex != null) {
                holderIndex.put(last, index);
            }
        }
    }

    private boolean holds(Peer peer) {
        return holderIndex != null ? holderIndex.containsKey(peer) : holders.contains(peer);
    }

    void addWanter(Peer peer) {
        if (wanters == null) {
            wanters = new HashSet<>(4);
        }
        wanters.add(peer);
    }

    /** Leaves the wanter roster, and the pending wants with it. */
    void removeWanter(Peer peer) {
        if (wanters != null) {
            wanters.remove(peer);
        }
        unpend(peer);
    }

    void pend(Peer wanter, Set<String> exclude) {
        if (pending == null) {
            pending = new LinkedHashMap<>();
        }
        pending.put(wanter, exclude);
    }

    void unpend(Peer wanter) {
        if (pending != null) {
            pending.remove(wanter);
        }
    }

    /** The exclusions of {@code wanter}'s pending want, or null if it has none. */
    Set<String> pendingExclude(Peer wanter) {
        return pending == null ? null : pending.get(wanter);
    }

    List<Map.Entry<Peer, Set<String>>> pendingWants() {
        return pending == null ? List.of() : List.copyOf(pending.entrySet());
    }

    /**
     * One holder chosen uniformly at random among those other than {@code wanter}, not in {@code exclude}
     * and accepted by {@code standing}, or null. A few blind draws settle the common case (few exclusions)
     * in O(1); an accepted draw is uniform over the eligible holders, and so is the fallback scan.
     */
    Peer pickHolder(Peer wanter, Set<String> exclude, Predicate<Peer> standing, SplittableRandom random) {
        int n = holders.size();
        if (n == 0) {
            return null;
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            Peer candidate = holders.get(random.nextInt(n));
            if (eligible(candidate, wanter, exclude) && standing.test(candidate)) {
                return candidate;
            }
        }
        Peer chosen = null;
        int seen = 0;
        for (Peer candidate : holders) {
            if (eligible(candidate, wanter, exclude) && standing.test(candidate) && random.nextInt(++seen) == 0) {
                chosen = candidate;
            }
        }
        return chosen;
    }

    /**
     * A wanter's report of a holder; reports from enough distinct sources (addresses, {@link Source})
     * quarantine it. Returns true if that happened.
     */
    boolean report(Peer holder, String reporterSource, long now, Fairness fairness) {
        if (!holds(holder)) {
            return false;
        }
        if (reports == null) {
            reports = new HashMap<>();
        }
        Reports r = reports.computeIfAbsent(holder.id(), id -> new Reports());
        r.by.add(reporterSource);
        if (r.by.size() < fairness.reportsToQuarantine()) {
            return false;
        }
        r.by.clear();
        r.quarantinedUntil = now + TimeUnit.SECONDS.toNanos(fairness.quarantineSeconds());
        return true;
    }

    boolean quarantined(Peer holder, long now) {
        Reports r = reports == null ? null : reports.get(holder.id());
        return r != null && r.quarantinedUntil - now > 0;
    }

    static boolean eligible(Peer holder, Peer wanter, Set<String> exclude) {
        return holder != wanter && !exclude.contains(holder.id());
    }

    void snapshotSent(Peer peer) {
        if (snapshots == null) {
            snapshots = new HashMap<>(4);
        }
        snapshots.put(peer, counts());
    }

    /**
     * Everyone of this node to tell the current counts (a peer of another cluster node hears them from it), less those whose join snapshot already said exactly this
     * (so a joining peer gets one {@code peers}, not the snapshot and then the same numbers again).
     */
    List<Peer> membersWithoutFreshSnapshot(List<Peer> into) {
        Long now = counts();
        Map<Peer, Long> sent = snapshots == null ? Map.of() : snapshots;
        for (Peer p : holders) {
            if (!p.remote() && !now.equals(sent.get(p))) {
                into.add(p);
            }
        }
        if (wanters != null) {
            for (Peer p : wanters) {
                if (!p.remote() && !now.equals(sent.get(p))) {
                    into.add(p);
                }
            }
        }
        snapshots = null;
        return into;
    }

    private long counts() {
        return (long) holders.size() << 32 | wanterCount();
    }
}
