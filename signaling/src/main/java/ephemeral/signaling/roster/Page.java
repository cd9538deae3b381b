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

/** The rosters of one hash. Guarded by the {@link Hub}'s lock. */
final class Page {
    final String hash;
    /** An array so a uniform pick is one random index; {@link #holderIndex} makes removal O(1). */
    private final ArrayList<Peer> holders = new ArrayList<>();
    private final Map<Peer, Integer> holderIndex = new HashMap<>();
    final Set<Peer> wanters = new HashSet<>();
    /** Wanters with no eligible holder yet, in arrival order, with the exclusions of their last want. */
    final LinkedHashMap<Peer, Set<String>> pending = new LinkedHashMap<>();

    /** Holders wanters reported for this page; null until the first report. */
    private Map<String, Reports> reports;

    /** Who reported one holder, and until when it is not chosen while others are eligible. */
    private static final class Reports {
        final Set<String> by = new HashSet<>();
        long quarantinedUntil;
    }

    /** Peers sent a snapshot of the counts since the last broadcast, and the counts they were sent. */
    private final Map<Peer, Long> snapshots = new HashMap<>();

    boolean countsScheduled;
    long lastCountsAt;

    Page(String hash, long now) {
        this.hash = hash;
        // so that the first change of a new page is broadcast at once
        this.lastCountsAt = now - Long.MAX_VALUE / 4;
    }

    int holderCount() {
        return holders.size();
    }

    int members() {
        return holders.size() + wanters.size();
    }

    boolean isEmpty() {
        return holders.isEmpty() && wanters.isEmpty();
    }

    void addHolder(Peer peer) {
        holderIndex.put(peer, holders.size());
        holders.add(peer);
    }

    void removeHolder(Peer peer) {
        if (reports != null) {
            reports.remove(peer.id());
        }
        Integer index = holderIndex.remove(peer);
        if (index == null) {
            return;
        }
        Peer last = holders.remove(holders.size() - 1);
        if (last != peer) {
            holders.set(index, last);
            holderIndex.put(last, index);
        }
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

    /** A wanter's report of a holder; enough distinct reporters quarantine it. Returns true if that happened. */
    boolean report(Peer holder, String reporterId, long now, Fairness fairness) {
        if (!holderIndex.containsKey(holder)) {
            return false;
        }
        if (reports == null) {
            reports = new HashMap<>();
        }
        Reports r = reports.computeIfAbsent(holder.id(), id -> new Reports());
        r.by.add(reporterId);
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
        snapshots.put(peer, counts());
    }

    /**
     * Everyone to tell the current counts, less those whose join snapshot already said exactly this
     * (so a joining peer gets one {@code peers}, not the snapshot and then the same numbers again).
     */
    List<Peer> membersWithoutFreshSnapshot(List<Peer> into) {
        long now = counts();
        for (Peer p : holders) {
            if (!Long.valueOf(now).equals(snapshots.get(p))) {
                into.add(p);
            }
        }
        for (Peer p : wanters) {
            if (!Long.valueOf(now).equals(snapshots.get(p))) {
                into.add(p);
            }
        }
        snapshots.clear();
        return into;
    }

    private long counts() {
        return (long) holders.size() << 32 | wanters.size();
    }
}
