package ephemeral.signaling.roster;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a wanter remembers of the holders it was routed to: at most {@code max} entries keyed by a holder id
 * and, optionally, a page hash, each with a time and an amount; when full, the least recently touched entry
 * is forgotten. Guarded by the {@link Hub}'s lock.
 *
 * <p>Why arrays and not a {@code LinkedHashMap}: a busy wanter meets a new holder on nearly every request and
 * each entry lives for its next few hundred requests, tens of seconds. As map entries that was an object or
 * three per routed request, each old enough to be copied by every young collection until it was tenured,
 * and linked into maps already old (dirty cards to scan): most of the server's GC pause time and of its
 * latency tail (docs/benchmarks.md, "routing.latency.p99"). Here an entry is a row of primitive columns,
 * the keys are strings the rosters hold anyway, and nothing is allocated but when the table grows.
 *
 * <p>Layout: rows {@code 0..size-1}, linked from oldest to newest touch through {@code older}/{@code newer};
 * an open-addressing index (linear probing, twice the rows, deletion by backward shift) maps a key to its row.
 */
final class PairTable {
    private static final int FIRST_CAPACITY = 8;
    private static final int NONE = -1;

    private final int max;
    private int size;
    private String[] holders;
    private String[] pages;
    private long[] times;
    private double[] amounts;
    private int[] older;
    private int[] newer;
    private int oldest = NONE;
    private int newest = NONE;
    /** row + 1 per slot; 0 is an empty slot. */
    private int[] index;

    PairTable(int max) {
        this.max = max;
        allocate(Math.min(FIRST_CAPACITY, max));
    }

    int size() {
        return size;
    }

    /** The row of (holder, page), or -1. {@code page} may be null (a key of the holder alone). */
    int find(String holder, String page) {
        int mask = index.length - 1;
        for (int slot = hash(holder, page) & mask; ; slot = (slot + 1) & mask) {
            int row = index[slot] - 1;
            if (row == NONE) {
                return NONE;
            }
            if (holder.equals(holders[row]) && Objects.equals(page, pages[row])) {
                return row;
            }
        }
    }

    /**
     * The row of (holder, page), made if there was none (time 0, amount NaN), forgetting the least recently
     * touched entry if the table is full. Either way the row is now the most recently touched.
     */
    int put(String holder, String page) {
        int row = find(holder, page);
        if (row != NONE) {
            touch(row);
            return row;
        }
        if (size == max) {
            row = oldest;
            unlink(row);
            unindex(row);
        } else {
            if (size == holders.length) {
                grow();
            }
            row = size++;
        }
        holders[row] = holder;
        pages[row] = page;
        times[row] = 0;
        amounts[row] = Double.NaN;
        link(row);
        insertIndex(row);
        return row;
    }

    /** Makes {@code row} the most recently touched. */
    void touch(int row) {
        if (row != newest) {
            unlink(row);
            link(row);
        }
    }

    long time(int row) {
        return times[row];
    }

    void time(int row, long time) {
        times[row] = time;
    }

    double amount(int row) {
        return amounts[row];
    }

    void amount(int row, double amount) {
        amounts[row] = amount;
    }

    /** Forgets everything (the peer left); the arrays go with the peer. */
    void clear() {
        Arrays.fill(holders, 0, size, null);
        Arrays.fill(pages, 0, size, null);
        Arrays.fill(index, 0);
        size = 0;
        oldest = newest = NONE;
    }

    /** Where {@code row}'s key would sit in the index with nothing in the way (strings cache their hash). */
    private int home(int row, int mask) {
        return hash(holders[row], pages[row]) & mask;
    }

    private static int hash(String holder, String page) {
        int h = holder.hashCode() * 31 + (page == null ? 0 : page.hashCode());
        return h ^ (h >>> 16);
    }

    private void link(int row) {
        older[row] = newest;
        newer[row] = NONE;
        if (newest != NONE) {
            newer[newest] = row;
        } else {
            oldest = row;
        }
        newest = row;
    }

    private void unlink(int row) {
        int o = older[row];
        int n = newer[row];
        if (o != NONE) {
            newer[o] = n;
        } else {
            oldest = n;
        }
        if (n != NONE) {
            older[n] = o;
        } else {
            newest = o;
        }
    }

    private void insertIndex(int row) {
        int mask = index.length - 1;
        int slot = home(row, mask);
        while (index[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        index[slot] = row + 1;
    }

    /** Takes {@code row} out of the index, shifting back the entries probed past it so none is lost. */
    private void unindex(int row) {
        int mask = index.length - 1;
        int gap = home(row, mask);
        while (index[gap] != row + 1) {
            gap = (gap + 1) & mask;
        }
        index[gap] = 0;
        for (int slot = (gap + 1) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
            int home = home(index[slot] - 1, mask);
            // the entry may fill the gap only if its home is not cyclically within (gap, slot]
            boolean homeAfterGap = gap <= slot ? gap < home && home <= slot : gap < home || home <= slot;
            if (!homeAfterGap) {
                index[gap] = index[slot];
                index[slot] = 0;
                gap = slot;
            }
        }
    }

    private void grow() {
        int capacity = Math.min(max, holders.length * 2);
        holders = Arrays.copyOf(holders, capacity);
        pages = Arrays.copyOf(pages, capacity);
        times = Arrays.copyOf(times, capacity);
        amounts = Arrays.copyOf(amounts, capacity);
        older = Arrays.copyOf(older, capacity);
        newer = Arrays.copyOf(newer, capacity);
        index = new int[indexLength(capacity)];
        for (int row = 0; row < size; row++) {
            insertIndex(row);
        }
    }

    private void allocate(int capacity) {
        holders = new String[capacity];
        pages = new String[capacity];
        times = new long[capacity];
        amounts = new double[capacity];
        older = new int[capacity];
        newer = new int[capacity];
        index = new int[indexLength(capacity)];
    }

    /** A power of two at least twice the rows: probes stay short. */
    private static int indexLength(int capacity) {
        return Integer.highestOneBit(Math.max(1, capacity) * 2 - 1) << 1;
    }
}
