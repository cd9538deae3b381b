package ephemeral.signaling.cluster;

import static ephemeral.signaling.cluster.ClusterWire.DROPPED;
import static ephemeral.signaling.cluster.ClusterWire.EVENTS;
import static ephemeral.signaling.cluster.ClusterWire.FRAME;
import static ephemeral.signaling.cluster.ClusterWire.HELD;
import static ephemeral.signaling.cluster.ClusterWire.KEEP_ANSWER;
import static ephemeral.signaling.cluster.ClusterWire.KEEP_REQUEST;
import static ephemeral.signaling.cluster.ClusterWire.LEFT;
import static ephemeral.signaling.cluster.ClusterWire.NODES;
import static ephemeral.signaling.cluster.ClusterWire.RELOAD;
import static ephemeral.signaling.cluster.ClusterWire.REQUEST;
import static ephemeral.signaling.cluster.ClusterWire.UNWANTED;
import static ephemeral.signaling.cluster.ClusterWire.VOLUNTEERED;
import static ephemeral.signaling.cluster.ClusterWire.WANTED;

import ephemeral.signaling.roster.Hub;
import ephemeral.signaling.roster.Hub.Entry.Kind;
import ephemeral.signaling.roster.Replica;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a cluster of signaling servers sharing a Redis (docs/cluster.md). Every node holds every
 * roster: its own peers' changes go to Redis as they happen (an entry set per node, changed and announced
 * by one Lua script, so a reader of the set and a listener of the announcements never disagree), and the
 * other nodes' announcements are applied to the local {@link Hub}. A node proves it is alive by renewing a
 * lease; the survivors remove the peers of a node whose lease ran out. All Redis work and every incoming
 * message run one at a time, in order ({@link Serial}): work that waits for Redis on the cluster thread, an
 * incoming message on the thread that received it when nothing is queued before it.
 */
public final class RedisCluster implements Replica, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);
    /** A node whose lease is this old is dead: its peers leave every roster. */
    public static final long LEASE_MILLIS = 5_000;
    /** How often a node renews its lease and looks for dead ones. */
    public static final long HEARTBEAT_MILLIS = 1_000;
    /** A Redis command that takes longer has failed: the node counts Redis as unreachable. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Entries per command when a node rewrites its whole entry set. */
    private static final int BATCH = 1_000;

    private final String node;
    private final Hub hub;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> subscription;
    private final RedisAsyncCommands<String, String> async;
    private final RedisCommands<String, String> sync;
    private final String script;
    private final ScheduledExecutorService thread;
    private final Serial serial;
    private volatile String scriptSha;
    /** Whether routing may go on: Redis answered the last heartbeat and this node is registered. */
    private volatile boolean up;
    /** When this node last (re)registered (System.nanoTime): leases of others are judged only a lease later. */
    private volatile long registeredAt;
    private volatile int liveNodes = 1;
    private volatile long roundTripNanos = -1;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    private RedisCluster(String url, Hub hub) {
        this.node = newNodeId();
        this.hub = hub;
        this.script = resource("/cluster/change.lua");
        this.client = RedisClient.create(RedisURI.create(url));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while Redis is away, fail at once rather than queue: the node re-registers when it is back
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster");
            t.setDaemon(true);
            return t;
        });
        this.serial = new Serial(thread);
        try {
            this.connection = client.connect();
            this.subscription = client.connectPubSub();
        } catch (RuntimeException e) {
            thread.shutdownNow();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
        this.async = connection.async();
        this.sync = connection.sync();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                received.incrementAndGet();
                if (thread.isShutdown()) {
                    return;
                }
                if (isReload(channel, message)) {
                    serial.onThread(() -> apply(channel, message)); // reads the sender's set from Redis
                } else {
                    serial.here(() -> apply(channel, message));
                }
            }
        });
    }

    /**
     * Connects to Redis, registers this node and loads the other nodes' rosters; the hub then sends its
     * changes here. Throws {@link ClusterUnavailableException} if Redis cannot be reached now (a node starts
     * only with its cluster).
     */
    public static RedisCluster join(String url, Hub hub) {
        RedisCluster cluster;
        try {
            cluster = new RedisCluster(url, hub);
        } catch (RuntimeException e) {
            throw new ClusterUnavailableException("cannot join the cluster at " + url + ": " + e.getMessage(), e);
        }
        try {
            cluster.subscription.sync().subscribe(EVENTS, ClusterWire.inbox(cluster.node));
            hub.replicateTo(cluster);
            cluster.serial.onThread(cluster::register).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            cluster.close();
            throw new ClusterUnavailableException("cannot join the cluster at " + url + ": " + e.getMessage(), e);
        }
        cluster.thread.scheduleWithFixedDelay(() -> cluster.serial.onThread(cluster::heartbeat),
                HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        return cluster;
    }

    public String node() {
        return node;
    }

    /** Nodes whose lease was current at the last heartbeat, this one included. */
    public int liveNodes() {
        return liveNodes;
    }

    @Override
    public int nodes() {
        return liveNodes;
    }

    /** The last heartbeat's Redis round trip in nanoseconds, -1 if it failed. */
    public long roundTripNanos() {
        return roundTripNanos;
    }

    /** Cluster messages this node published (roster changes, requests and frames for other nodes). */
    public long published() {
        return published.get();
    }

    /** Cluster messages this node received. */
    public long received() {
        return received.get();
    }

    // --- Replica: called under the hub's lock, in the order the changes happened; never waits.

    @Override
    public boolean available() {
        return up;
    }

    @Override
    public void held(String peerId, Collection<String> hashes) {
        List<String> changes = new ArrayList<>(2 * hashes.size());
        for (String h : hashes) {
            changes.add('+' + ClusterWire.entry(Kind.HELD, peerId, h));
            changes.add('-' + ClusterWire.entry(Kind.WANTED, peerId, h)); // a wanter that now holds the page
        }
        change(ClusterWire.event(node, HELD, peerId, hashes), changes);
    }

    @Override
    public void dropped(String peerId, Collection<String> hashes) {
        change(ClusterWire.event(node, DROPPED, peerId, hashes),
                hashes.stream().map(h -> '-' + ClusterWire.entry(Kind.HELD, peerId, h)).toList());
    }

    @Override
    public void wanted(String peerId, String hash) {
        change(ClusterWire.event(node, WANTED, peerId, List.of(hash)), List.of('+' + ClusterWire.entry(Kind.WANTED, peerId, hash)));
    }

    @Override
    public void unwanted(String peerId, String hash) {
        change(ClusterWire.event(node, UNWANTED, peerId, List.of(hash)), List.of('-' + ClusterWire.entry(Kind.WANTED, peerId, hash)));
    }

    @Override
    public void volunteered(String peerId, String before, String offer) {
        List<String> changes = new ArrayList<>(2);
        if (before != null) {
            changes.add('-' + ClusterWire.entry(Kind.VOLUNTEER, peerId, before));
        }
        changes.add('+' + ClusterWire.entry(Kind.VOLUNTEER, peerId, offer));
        change(ClusterWire.event(node, VOLUNTEERED, peerId, List.of(offer)), changes);
    }

    @Override
    public void left(String peerId, Collection<String> held, Collection<String> wanted, String offer) {
        List<String> changes = new ArrayList<>(held.size() + wanted.size() + 1);
        held.forEach(h -> changes.add('-' + ClusterWire.entry(Kind.HELD, peerId, h)));
        wanted.forEach(h -> changes.add('-' + ClusterWire.entry(Kind.WANTED, peerId, h)));
        if (offer != null) {
            changes.add('-' + ClusterWire.entry(Kind.VOLUNTEER, peerId, offer));
        }
        change(ClusterWire.event(node, LEFT, peerId, List.of()), changes);
    }

    @Override
    public void request(String holderNode, String holderId, String hash, String wanterId) {
        publish(ClusterWire.inbox(holderNode), REQUEST + ' ' + holderId + ' ' + hash + ' ' + wanterId);
    }

    @Override
    public void deliver(String peerNode, String peerId, String frame) {
        publish(ClusterWire.inbox(peerNode), FRAME + ' ' + peerId + ' ' + frame);
    }

    @Override
    public void keepRequest(String volunteerNode, String volunteerId, String hash, String frame) {
        publish(ClusterWire.inbox(volunteerNode), KEEP_REQUEST + ' ' + node + ' ' + volunteerId + ' ' + hash + ' ' + frame);
    }

    @Override
    public void keepAnswer(String askerNode, String volunteerId, String message) {
        publish(ClusterWire.inbox(askerNode), KEEP_ANSWER + ' ' + volunteerId + ' ' + message);
    }

    private void change(String event, List<String> changes) {
        String[] args = new String[changes.size() + 2];
        args[0] = EVENTS;
        args[1] = event;
        for (int i = 0; i < changes.size(); i++) {
            args[i + 2] = changes.get(i);
        }
        // While Redis is away this fails at once and is forgotten: re-registering rewrites the whole set.
        quietly(async.evalsha(scriptSha, ScriptOutputType.INTEGER, new String[] {ClusterWire.entries(node)}, args));
        published.incrementAndGet();
    }

    private void publish(String channel, String message) {
        quietly(async.publish(channel, message));
        published.incrementAndGet();
    }

    private static void quietly(RedisFuture<?> future) {
        future.exceptionally(e -> {
            LOG.debug("cluster write failed: {}", e.toString());
            return null;
        });
    }

    // --- Cluster work: one task at a time (Serial); these wait for Redis, so they run on the cluster thread.

    /**
     * (Re)writes this node's entry set from its peers' rosters and tells the others to reload it, then
     * loads theirs. Runs at start, when Redis is back after an outage (maybe empty), and when this node finds
     * its lease had run out (the others may have removed its peers).
     */
    private void register() {
        long start = System.nanoTime();
        scriptSha = sync.scriptLoad(script);
        roundTripNanos = System.nanoTime() - start;
        List<RedisFuture<?>> writes = new ArrayList<>();
        hub.withLocalEntries(entries -> { // under the hub's lock: no change of ours can come between
            String key = ClusterWire.entries(node);
            writes.add(async.del(key));
            for (int i = 0; i < entries.size(); i += BATCH) {
                String[] members = entries.subList(i, Math.min(entries.size(), i + BATCH)).stream()
                        .map(e -> ClusterWire.entry(e.kind(), e.peerId(), e.value())).toArray(String[]::new);
                writes.add(async.sadd(key, members));
            }
            writes.add(async.set(ClusterWire.lease(node), "1", SetArgs.Builder.px(LEASE_MILLIS)));
            writes.add(async.sadd(NODES, node));
            writes.add(async.publish(EVENTS, node + ' ' + RELOAD));
        });
        for (RedisFuture<?> w : writes) {
            try {
                w.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("registering in Redis failed: " + e, e);
            }
        }
        reloadOthers();
        registeredAt = System.nanoTime();
        up = true;
    }

    /** Replaces what this node knows of every other live node by what Redis holds, and forgets dead ones. */
    private void reloadOthers() {
        Set<String> live = new HashSet<>();
        for (String other : sync.smembers(NODES)) {
            if (!other.equals(node) && sync.exists(ClusterWire.lease(other)) == 1) {
                live.add(other);
                reload(other);
            }
        }
        for (String known : hub.remoteNodes()) {
            if (!live.contains(known)) {
                hub.remoteNodeGone(known);
            }
        }
        liveNodes = live.size() + 1;
    }

    /** Replaces what this node knows of {@code other} by the entry set {@code other} keeps in Redis. */
    private void reload(String other) {
        hub.remoteReload(other, ClusterWire.parseEntries(sync.smembers(ClusterWire.entries(other))));
    }

    private void heartbeat() {
        long start = System.nanoTime();
        try {
            String previous = sync.setGet(ClusterWire.lease(node), "1", SetArgs.Builder.px(LEASE_MILLIS));
            roundTripNanos = System.nanoTime() - start;
            if (!up || previous == null) {
                LOG.info(up ? "node {}: its lease had run out; registering again" : "node {}: Redis is back; registering again", node);
                register();
                // a subscription re-made after an outage may have missed what others said meanwhile
                thread.schedule(() -> serial.onThread(this::reloadQuietly), 2 * HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            purgeDead();
        } catch (RuntimeException e) {
            boolean was = up;
            up = false;
            roundTripNanos = -1;
            if (was) {
                LOG.warn("node {}: Redis unreachable ({}); refusing new wants until it is back", node, e.toString());
            }
        }
    }

    private void reloadQuietly() {
        try {
            reloadOthers();
        } catch (RuntimeException e) {
            LOG.debug("reload failed: {}", e.toString());
        }
    }

    /**
     * Removes every node whose lease ran out: its peers leave the rosters here, and its entries leave Redis
     * (every survivor does this; it is idempotent). Right after (re)registering, others may not have renewed
     * their leases in a Redis that just came back, so they are given one lease period.
     */
    private void purgeDead() {
        Set<String> nodes = new HashSet<>(sync.smembers(NODES));
        nodes.addAll(hub.remoteNodes());
        nodes.remove(node);
        int live = 1;
        boolean judge = System.nanoTime() - registeredAt > TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS);
        for (String other : nodes) {
            if (sync.exists(ClusterWire.lease(other)) == 1) {
                live++;
            } else if (judge) {
                LOG.info("node {}: node {} stopped renewing its lease; its peers leave the rosters", node, other);
                hub.remoteNodeGone(other);
                sync.del(ClusterWire.entries(other));
                sync.srem(NODES, other);
            }
        }
        liveNodes = live;
    }

    /** Another node's "reload my entry set" event: applying it reads that set from Redis. */
    private static boolean isReload(String channel, String message) {
        int space = message.indexOf(' ');
        return channel.equals(EVENTS) && space > 0 && message.length() == space + 1 + RELOAD.length()
                && message.startsWith(RELOAD, space + 1);
    }

    private void apply(String channel, String message) {
        try {
            if (channel.equals(EVENTS)) {
                applyEvent(message.split(" "));
            } else {
                applyDirect(message);
            }
        } catch (RuntimeException e) {
            LOG.warn("node {}: ignoring a cluster message it cannot apply: {}", node, e.toString());
        }
    }

    private void applyEvent(String[] w) {
        String from = w[0];
        if (from.equals(node)) {
            return;
        }
        switch (w[1]) {
            case HELD -> hub.remoteHave(from, w[2], List.of(w).subList(3, w.length));
            case DROPPED -> hub.remoteDrop(w[2], List.of(w).subList(3, w.length));
            case WANTED -> hub.remoteWant(from, w[2], w[3]);
            case UNWANTED -> hub.remoteUnwant(w[2], w[3]);
            case VOLUNTEERED -> hub.remoteVolunteer(from, w[2], w[3]);
            case LEFT -> hub.remoteLeft(w[2]);
            case RELOAD -> reload(from);
            default -> LOG.debug("unknown cluster event {}", w[1]);
        }
    }

    /** A message on this node's own channel; a relayed frame or answer is the rest of its line. */
    private void applyDirect(String message) {
        String op = message.substring(0, message.indexOf(' '));
        switch (op) {
            case FRAME -> {
                String[] w = message.split(" ", 3);
                hub.remoteFrame(w[1], w[2]);
            }
            case KEEP_ANSWER -> {
                String[] w = message.split(" ", 3);
                hub.remoteKeepAnswer(w[1], w[2]);
            }
            case REQUEST -> {
                String[] w = message.split(" ", 4);
                hub.remoteRequest(w[1], w[2], w[3]);
            }
            case KEEP_REQUEST -> {
                String[] w = message.split(" ", 5);
                hub.remoteKeepRequest(w[1], w[2], w[3], w[4]);
            }
            default -> LOG.debug("unknown cluster message {}", op);
        }
    }

    /** Leaves the cluster: this node's entries go at once (the others hear it), then the connections close. */
    @Override
    public void close() {
        up = false;
        try {
            serial.onThread(() -> {
                sync.del(ClusterWire.lease(node), ClusterWire.entries(node));
                sync.srem(NODES, node);
                sync.publish(EVENTS, node + ' ' + RELOAD); // an empty set: the others drop this node's peers
            }).get(COMMAND_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("leaving the cluster: {}", e.toString());
        }
        thread.shutdownNow();
        subscription.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static String newNodeId() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private static String resource(String name) {
        try (InputStream in = RedisCluster.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
