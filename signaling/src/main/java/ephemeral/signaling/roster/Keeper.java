package ephemeral.signaling.roster;

import ephemeral.protocol.Codec;
import ephemeral.protocol.ErrorCode;
import ephemeral.protocol.ProtocolException;
import ephemeral.protocol.Timeouts;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keep-alive (docs/protocol.md, "Keep-alive"): volunteer seeds, and the hand-off of a page to one of them.
 * A {@code keep} goes to one volunteer chosen uniformly among those with room (the 1/N idea again), or to
 * the volunteer that already keeps the page (a renewal); the volunteer fetches it like any wanter and
 * answers; a volunteer that fails is not asked again for that page. Pages down to one holder are offered
 * to one volunteer that adopts weak pages. The server sees hashes and sizes, never bytes. Called under the
 * {@link Hub}'s lock; timeouts take it themselves.
 */
final class Keeper {
    /** Keep requests one volunteer works on at once: more go to another volunteer. */
    static final int MAX_WAITING_PER_VOLUNTEER = 8;
    /** Keep requests one connection may have waiting at once. */
    static final int MAX_WAITING_PER_ASKER = 32;
    /** {@code weak} notices one volunteer receives: 2 a second, burst 4. */
    static final double WEAK_NOTICES_PER_SECOND = 2;
    /** One page is offered as weak at most this often, however its holders come and go. */
    static final long WEAK_NOTICE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final List<Peer> volunteers = new ArrayList<>();
    private final Map<String, Job> jobs = new HashMap<>();
    private final SplittableRandom random;
    private final ScheduledExecutorService scheduler;
    private final Object lock;
    private final Function<String, Page> pages;
    private final long answerMillis;
    private final Supplier<Replica> replica;
    final AtomicLong keepsAsked = new AtomicLong();
    final AtomicLong keepsKept = new AtomicLong();
    final AtomicLong keepsRefused = new AtomicLong();
    final AtomicLong weakNotices = new AtomicLong();

    /** One page being handed to a volunteer, for everyone who asked. */
    private static final class Job {
        final String hash;
        final long size;
        final Long seconds;
        final Set<Peer> askers = new LinkedHashSet<>();
        final Set<String> failed = new HashSet<>();
        String lastFailure;
        Peer volunteer;
        long reserved;
        ScheduledFuture<?> timeout;

        Job(String hash, long size, Long seconds) {
            this.hash = hash;
            this.size = size;
            this.seconds = seconds;
        }
    }

    Keeper(SplittableRandom random, ScheduledExecutorService scheduler, Object lock, Function<String, Page> pages,
           long answerMillis, Supplier<Replica> replica) {
        this.replica = replica;
        this.random = random;
        this.scheduler = scheduler;
        this.lock = lock;
        this.pages = pages;
        this.answerMillis = answerMillis;
    }

    Keeper(SplittableRandom random, ScheduledExecutorService scheduler, Object lock, Function<String, Page> pages,
           Supplier<Replica> replica) {
        this(random, scheduler, lock, pages, Timeouts.KEEP_ANSWER_MS, replica);
    }

    int volunteers() {
        return volunteers.size();
    }

    void volunteer(Peer peer, ClientMessage.Volunteer m) {
        if (peer.volunteer == null) {
            peer.volunteer = new Volunteer();
            volunteers.add(peer);
        }
        peer.volunteer.capacity = m.capacity();
        peer.volunteer.maxPage = m.maxPage();
        peer.volunteer.adoptWeak = m.adoptsWeak();
    }

    void keep(Peer peer, ClientMessage.Keep m) {
        if (!peer.held.contains(m.hash())) {
            throw new ProtocolException(ErrorCode.NOT_HOLDING,
                    "ask to keep only a page you hold (announce it with have first)", m.hash());
        }
        Job job = jobs.get(m.hash());
        if (job != null && job.askers.contains(peer)) {
            return; // asked twice: one answer will come
        }
        if (peer.keepsWaiting >= MAX_WAITING_PER_ASKER) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "at most " + MAX_WAITING_PER_ASKER
                    + " keep requests may wait for an answer at once", m.hash());
        }
        keepsAsked.incrementAndGet();
        peer.keepsWaiting++;
        if (job != null) {
            job.askers.add(peer); // the hand-off already under way answers this holder too
            return;
        }
        job = new Job(m.hash(), m.size(), m.seconds());
        job.askers.add(peer);
        jobs.put(job.hash, job);
        Page page = pages.apply(job.hash);
        page.declaredSize = m.size();
        dispatch(job);
    }

    /** A volunteer kept a page it was asked to: everyone who asked is told. */
    void kept(Peer volunteer, ClientMessage.Kept m) {
        Job job = answering(volunteer, m.hash());
        release(job);
        jobs.remove(job.hash);
        keepsKept.incrementAndGet();
        String frame = Codec.encode(new ServerMessage.Kept(job.hash, m.until(), volunteer.id()));
        for (Peer asker : job.askers) {
            asker.keepsWaiting--;
            asker.send(frame);
        }
    }

    /** A volunteer could not keep a page: another is asked, never this one again for it. */
    void failed(Peer volunteer, ClientMessage.KeepFailed m) {
        Job job = answering(volunteer, m.hash());
        failedBy(job, m.reason());
    }

    /** A page lost a holder: if one is left and it is no volunteer, one volunteer adopting weak pages is told. */
    void lostHolder(Page page, long now) {
        Peer holder = page.onlyHolder();
        // in a cluster every node sees the page go weak: the node of its last holder is the one that tells
        if (holder == null || holder.remote() || holder.volunteer != null || jobs.containsKey(page.hash)
                || page.weakNoticeAt != 0 && now - page.weakNoticeAt < WEAK_NOTICE_EVERY_NANOS) {
            return;
        }
        long size = page.declaredSize;
        Peer chosen = pick(v -> v != holder && v.volunteer.adoptWeak
                && (size < 0 || v.volunteer.hasRoom(size, MAX_WAITING_PER_VOLUNTEER))
                && v.volunteer.weakNotices.available(now, WEAK_NOTICES_PER_SECOND));
        if (chosen == null) {
            return;
        }
        chosen.volunteer.weakNotices.take(now, WEAK_NOTICES_PER_SECOND);
        page.weakNoticeAt = now;
        weakNotices.incrementAndGet();
        chosen.send(Codec.encode(new ServerMessage.Weak(page.hash, size < 0 ? null : size)));
    }

    /** A connection ended: its hand-offs go to other volunteers, its requests are forgotten. */
    void disconnect(Peer peer) {
        if (peer.volunteer != null) {
            volunteers.remove(peer);
        }
        if (peer.keepsWaiting == 0 && (peer.volunteer == null || peer.volunteer.waiting == 0)) {
            return;
        }
        for (Job job : List.copyOf(jobs.values())) {
            job.askers.remove(peer);
            if (job.volunteer == peer) {
                failedBy(job, "the volunteer left");
            } else if (job.askers.isEmpty() && job.volunteer == null) {
                jobs.remove(job.hash);
            }
        }
        peer.keepsWaiting = 0;
    }

    private Job answering(Peer volunteer, String hash) {
        Job job = jobs.get(hash);
        if (job == null || job.volunteer != volunteer) {
            throw new ProtocolException(ErrorCode.NOT_PAIRED, "no keep request of that page waits for your answer", hash);
        }
        return job;
    }

    private void failedBy(Job job, String reason) {
        job.failed.add(job.volunteer.id());
        job.lastFailure = reason;
        release(job);
        dispatch(job);
    }

    /**
     * Sends the job to a volunteer that keeps the page already (a renewal), else to one chosen uniformly
     * among those with room; with none, every asker gets {@code no_volunteer}.
     */
    private void dispatch(Job job) {
        if (job.askers.isEmpty()) {
            jobs.remove(job.hash);
            return;
        }
        Page page = pages.apply(job.hash);
        Predicate<Peer> free = v -> !job.askers.contains(v) && !job.failed.contains(v.id());
        Peer chosen = pick(v -> free.test(v) && page != null && v.held.contains(job.hash)
                && v.volunteer.waiting < MAX_WAITING_PER_VOLUNTEER);
        boolean renewal = chosen != null;
        if (!renewal) {
            chosen = pick(v -> free.test(v) && v.volunteer.hasRoom(job.size, MAX_WAITING_PER_VOLUNTEER));
        }
        if (chosen == null) {
            refuse(job);
            return;
        }
        Peer volunteer = chosen;
        job.volunteer = volunteer;
        job.reserved = renewal ? 0 : job.size;
        volunteer.volunteer.reserved += job.reserved;
        volunteer.volunteer.waiting++;
        String from = job.askers.iterator().next().id();
        String request = Codec.encode(new ServerMessage.KeepRequest(job.hash, job.size, from, job.seconds));
        if (volunteer.remote()) {
            replica.get().keepRequest(volunteer.node, volunteer.id(), job.hash, request); // its answer comes back here
        } else {
            volunteer.send(request);
        }
        job.timeout = scheduler.schedule(() -> {
            synchronized (lock) {
                if (jobs.get(job.hash) == job && job.volunteer == volunteer) {
                    failedBy(job, "the volunteer did not answer within " + answerMillis / 1000 + " s");
                }
            }
        }, answerMillis, TimeUnit.MILLISECONDS);
    }

    private void refuse(Job job) {
        jobs.remove(job.hash);
        String why;
        if (job.lastFailure != null) {
            why = "no volunteer seed could keep it (the last one asked: " + job.lastFailure + ")";
        } else if (volunteers.isEmpty()) {
            why = "no volunteer seed is connected";
        } else {
            why = "no volunteer seed has room for " + job.size + " bytes now; try again later";
        }
        keepsRefused.incrementAndGet();
        String frame = Codec.encode(new ServerMessage.Error(ErrorCode.NO_VOLUNTEER, why, job.hash));
        for (Peer asker : job.askers) {
            asker.keepsWaiting--;
            asker.send(frame);
        }
    }

    private void release(Job job) {
        Peer v = job.volunteer;
        if (v != null && v.volunteer != null) {
            v.volunteer.reserved -= job.reserved;
            v.volunteer.waiting--;
        }
        if (job.timeout != null) {
            job.timeout.cancel(false);
        }
        job.volunteer = null;
        job.reserved = 0;
    }

    /** One volunteer chosen uniformly among those {@code eligible}, or null (volunteers are few: a scan). */
    private Peer pick(Predicate<Peer> eligible) {
        Peer chosen = null;
        int seen = 0;
        for (Peer v : volunteers) {
            if (eligible.test(v) && random.nextInt(++seen) == 0) {
                chosen = v;
            }
        }
        return chosen;
    }
}
