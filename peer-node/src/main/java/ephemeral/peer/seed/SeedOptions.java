package ephemeral.peer.seed;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a volunteer seed is run ({@code peer-node seed}); immutable.
 *
 * @param store        directory of kept pages and their times ({@code keeps.txt})
 * @param capacity     page bytes it keeps at most [20 GiB from the CLI]
 * @param keepFor      the longest it keeps a page per request; a holder may ask for less [7 days]
 * @param maxPage      the largest page it takes [the node's largest page]
 * @param adoptWeak    also take pages the server says are down to one holder
 * @param denyFile     hashes its operator refuses to keep, one per line (re-read while running); null: none
 * @param fetchTimeout how long it tries to fetch a page it was asked to keep [2 min]
 */
public record SeedOptions(Path store, long capacity, Duration keepFor, long maxPage, boolean adoptWeak, Path denyFile,
                          Duration fetchTimeout) {
    public SeedOptions {
        if (store == null) {
            throw new IllegalArgumentException("a seed needs a store directory");
        }
        if (capacity <= 0 || maxPage <= 0) {
            throw new IllegalArgumentException("capacity and maxPage must be positive");
        }
        if (keepFor == null || keepFor.toSeconds() < 1 || fetchTimeout == null || fetchTimeout.isNegative()) {
            throw new IllegalArgumentException("keepFor must be at least a second, fetchTimeout positive");
        }
    }

    public static SeedOptions of(Path store, long capacity, Duration keepFor) {
        return new SeedOptions(store, capacity, keepFor, Long.MAX_VALUE, false, null, Duration.ofMinutes(2));
    }

    public SeedOptions withMaxPage(long v) {
        return new SeedOptions(store, capacity, keepFor, v, adoptWeak, denyFile, fetchTimeout);
    }

    public SeedOptions withAdoptWeak(boolean v) {
        return new SeedOptions(store, capacity, keepFor, maxPage, v, denyFile, fetchTimeout);
    }

    public SeedOptions withDenyFile(Path v) {
        return new SeedOptions(store, capacity, keepFor, maxPage, adoptWeak, v, fetchTimeout);
    }

    public SeedOptions withFetchTimeout(Duration v) {
        return new SeedOptions(store, capacity, keepFor, maxPage, adoptWeak, denyFile, v);
    }
}
