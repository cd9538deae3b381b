package ephemeral.peer;

import ephemeral.protocol.Codec;
import ephemeral.protocol.signaling.ClientMessage;
import ephemeral.protocol.signaling.ServerMessage;
import ephemeral.protocol.signaling.SignalData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A hostile wanter on a bare signaling connection: it wants a page so that the server pairs it with a
 * holder, takes the holder's offer, and then sends that holder {@code signal}s it never needed (offers,
 * answers, ICE candidates), every one a well-formed protocol message the server relays, paced just below
 * the server's per-connection message rate so that it is never cut off. All flooders share one HTTP client
 * (one selector thread), so a test can run hundreds of them.
 */
final class SignalFlooder implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Below the server's default 200 messages/s per connection (docs/protocol.md, "Limits and errors"). */
    static final int MESSAGES_PER_SECOND = 180;

    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<ServerMessage.Signal> offer = new CompletableFuture<>();
    private final WebSocket ws;
    private volatile boolean closed;
    private long sent;
    private long started;

    private SignalFlooder(int port) {
        ws = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), this).join();
    }

    /** Connects, wants {@code hash}, and returns once its holder's offer came (null if none within {@code wait}). */
    static SignalFlooder pairedWith(int port, String hash, Duration wait) {
        SignalFlooder f = new SignalFlooder(port);
        f.send(new ClientMessage.Want(hash, Set.of()));
        try {
            f.offer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            f.close();
            return null;
        }
        return f;
    }

    /** The holder's offer, as relayed. */
    ServerMessage.Signal offer() {
        return offer.join();
    }

    boolean isOpen() {
        return !closed;
    }

    /** Sends {@code data} to the paired holder; false once the server closed this connection. */
    boolean signal(SignalData data) {
        ServerMessage.Signal o = offer();
        return send(new ClientMessage.Signal(o.from(), o.hash(), data));
    }

    /** An offer in the shape the holder's own had, grown to about {@code bytes} of SDP with attribute lines. */
    SignalData bigOffer(int bytes, int serial) {
        return SignalData.of(new SignalData.Sdp("offer", pad(offer().data().sdp().sdp(), bytes, serial)));
    }

    /** An answer to the holder's offer that libwebrtc accepts: its own description, turned around. */
    SignalData answer() {
        String sdp = offer().data().sdp().sdp().replace("a=setup:actpass", "a=setup:active");
        return SignalData.of(new SignalData.Sdp("answer", sdp));
    }

    /**
     * A host candidate near the limit of 1024 characters, on loopback (nothing leaves the machine if the
     * holder tries it) and a different port each time, so none is a duplicate.
     */
    static SignalData candidate(int serial) {
        StringBuilder line = new StringBuilder("candidate:").append(serial).append(" 1 udp 2122260223 127.0.0.1 ")
                .append(1024 + serial % 60000).append(" typ host generation 0 ufrag Flood network-id 1");
        while (line.length() < 1000) {
            line.append(" x-pad ").append(Long.toHexString(serial * 31L + line.length()));
        }
        return SignalData.of(new SignalData.Candidate(line.toString(), "0", 0, null));
    }

    private static String pad(String sdp, int bytes, int serial) {
        StringBuilder b = new StringBuilder(sdp.replaceAll("o=- [0-9]+ ", "o=- " + (1_000_000 + serial) + " "));
        while (b.length() < bytes) {
            b.append("a=x-flood:").append("f".repeat(Math.min(900, Math.max(1, bytes - b.length() - 14)))).append("\r\n");
        }
        return b.toString();
    }

    private boolean send(ClientMessage m) {
        if (closed) {
            return false;
        }
        // paced: the n-th message goes out no earlier than n / rate after the first
        long now = System.nanoTime();
        if (sent == 0) {
            started = now;
        }
        long due = started + sent * 1_000_000_000L / MESSAGES_PER_SECOND;
        if (due > now) {
            LockSupport.parkNanos(due - now);
        }
        sent++;
        try {
            ws.sendText(Codec.encode(m), true).get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            closed = true;
            return false;
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            Codec.parseServer(text).ifPresent(m -> {
                if (m instanceof ServerMessage.Signal s && s.data().sdp() != null && s.data().sdp().isOffer()) {
                    offer.complete(s);
                }
            });
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed = true;
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed = true;
    }

    @Override
    public void close() {
        closed = true;
        ws.abort();
    }
}
