package ephemeral.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * ephemeral2's rule, as an in-process model: a request reaches every holder of the page, and each holder
 * answers it with probability 1/N (N = the page's holders), independently; a wanter that heard nothing asks
 * again every {@link SimOptions#COINFLIP_RETRY_MS}. So a request reaches no holder with probability
 * (1 − 1/N)^N (about 37 % for large N) and several holders at once about as often. Every message takes the
 * modelled latency to the server and again to its recipient.
 */
final class CoinFlipNetwork implements Network {
    private final Swarm swarm;
    private final Clock clock;
    private final long hop;
    private final SplittableRandom random;
    private final List<List<Integer>> holders = new ArrayList<>();
    private final Map<Integer, Long> messages = new HashMap<>();

    CoinFlipNetwork(Swarm swarm, Clock clock, long latencyMs, long seed) {
        this.swarm = swarm;
        this.clock = clock;
        this.hop = latencyMs;
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int p = 0; p < swarm.pages(); p++) {
            holders.add(new ArrayList<>());
        }
    }

    /** Which of {@code n} holders answer one request: each with probability 1/n. */
    static List<Integer> answering(List<Integer> candidates, SplittableRandom random) {
        List<Integer> out = new ArrayList<>();
        int n = candidates.size();
        for (Integer h : candidates) {
            if (random.nextInt(n) == 0) {
                out.add(h);
            }
        }
        return out;
    }

    private void count(int peer) {
        messages.merge(peer, 1L, Long::sum);
    }

    @Override
    public void connect(int peer) {
        count(peer);
        clock.schedule(2 * hop, () -> swarm.onWelcome(peer));
    }

    @Override
    public void have(int peer, int page) {
        count(peer);
        List<Integer> h = holders.get(page);
        if (!h.contains(peer)) {
            h.add(peer);
        }
    }

    @Override
    public void want(int peer, int page, Set<Integer> exclude) {
        count(peer);
        List<Integer> candidates = new ArrayList<>(holders.get(page));
        candidates.remove((Integer) peer);
        for (int h : answering(candidates, random)) {
            count(h);
            clock.schedule(2 * hop, () -> swarm.onContentRequest(h, page, peer));
        }
        int attempt = swarm.attemptOf(peer);
        clock.schedule(SimOptions.COINFLIP_RETRY_MS, () -> {
            if (swarm.unanswered(peer, attempt)) {
                swarm.retry(peer);
            }
        });
    }

    @Override
    public void unwant(int peer, int page) {
        count(peer);
    }

    @Override
    public void signal(int from, int to, int page, boolean offer) {
        count(from);
        count(to);
        clock.schedule(2 * hop, () -> swarm.onSignal(to, from, page, offer));
    }

    @Override
    public void leave(int peer) {
        for (List<Integer> h : holders) {
            h.remove((Integer) peer);
        }
    }

    @Override
    public long messages(int peer) {
        return messages.getOrDefault(peer, 0L);
    }
}
