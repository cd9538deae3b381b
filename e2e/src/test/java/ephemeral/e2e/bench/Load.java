package ephemeral.e2e.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.function.Consumer;

/** Opens many {@link LoadClient}s on a shared, small thread pool. */
final class Load implements AutoCloseable {
    private final ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r, "load");
        t.setDaemon(true);
        return t;
    });
    final HttpClient http = HttpClient.newBuilder().executor(pool).build();
    private final List<LoadClient> clients = new ArrayList<>();

    /** Connects {@code n} clients, at most 256 handshakes at a time. */
    List<LoadClient> connect(URI uri, int n, IntFunction<Consumer<String>> onFrame) {
        List<LoadClient> result = new ArrayList<>(n);
        for (int start = 0; start < n; start += 256) {
            List<CompletableFuture<LoadClient>> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + 256); i++) {
                batch.add(LoadClient.connect(http, uri, onFrame.apply(i)));
            }
            for (CompletableFuture<LoadClient> f : batch) {
                result.add(f.join());
            }
        }
        clients.addAll(result);
        return result;
    }

    static String hash(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        clients.forEach(LoadClient::close);
        pool.shutdownNow();
    }
}
