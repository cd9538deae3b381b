package ephemeral.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A flood of wanters that never answer: bare signaling connections (no browser, no WebRTC) that each
 * {@code want} one page, again every {@link #REWANT_MS} ms, excluding the holders a test names, so the
 * server routes them at one victim holder. Every offer and candidate the victim sends them is ignored:
 * each of their requests costs the victim a peer connection that never connects. Stops on close.
 */
public final class FloodWanters implements AutoCloseable {
    /** Just over the server's pace of one wanter's routes of one page (1/s). */
    public static final long REWANT_MS = 1100;
    private static final Pattern HOLDER = Pattern.compile("\"holder\":\"([A-Za-z0-9_-]{22})\"");

    private final String hash;
    private final List<WebSocket> sockets = new ArrayList<>();
    private final Set<String> exclude = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicInteger> routedTo = new ConcurrentHashMap<>();
    private final AtomicInteger signals = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flood-wanters");
        t.setDaemon(true);
        return t;
    });

    private FloodWanters(String hash) {
        this.hash = hash;
    }

    /**
     * Connects {@code count} wanters of {@code hash} to the server and starts wanting.
     *
     * @param port the signaling server's port on 127.0.0.1
     * @param hash the page they want
     * @param count how many
     * @param exclude holders they keep out of every want (so the rest get the flood)
     * @return the running flood
     */
    public static FloodWanters start(int port, String hash, int count, List<String> exclude) {
        FloodWanters flood = new FloodWanters(hash);
        flood.exclude.addAll(exclude);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < count; i++) {
            flood.sockets.add(http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), flood.new Listener()).join());
        }
        flood.timer.scheduleAtFixedRate(flood::wantAll, 0, REWANT_MS, TimeUnit.MILLISECONDS);
        return flood;
    }

    /** @return how many requests the server routed to each holder (one {@code content_request} each) */
    public int routedTo(String holder) {
        AtomicInteger n = routedTo.get(holder);
        return n == null ? 0 : n.get();
    }

    /** @return every holder the flood was routed to */
    public Set<String> holders() {
        return Set.copyOf(routedTo.keySet());
    }

    /** @return signals (offers, candidates) relayed to the flood, all ignored */
    public int signals() {
        return signals.get();
    }

    private void wantAll() {
        StringBuilder msg = new StringBuilder("{\"type\":\"want\",\"hash\":\"").append(hash).append('"');
        if (!exclude.isEmpty()) {
            msg.append(",\"exclude\":[");
            String sep = "";
            for (String peer : exclude) {
                msg.append(sep).append('"').append(peer).append('"');
                sep = ",";
            }
            msg.append(']');
        }
        String want = msg.append('}').toString();
        for (WebSocket ws : sockets) {
            try {
                ws.sendText(want, true);
            } catch (RuntimeException e) {
                // closed (or a send still pending): this one skips a round
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (WebSocket ws : sockets) ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (text.contains("\"type\":\"routed\"")) {
                    Matcher m = HOLDER.matcher(text);
                    if (m.find()) routedTo.computeIfAbsent(m.group(1), h -> new AtomicInteger()).incrementAndGet();
                } else if (text.contains("\"type\":\"signal\"")) {
                    signals.incrementAndGet();
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
