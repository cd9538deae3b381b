package ephemeral.signaling.roster;

/**
 * What a volunteer seed offers (its last {@code volunteer} message) and what the server has promised it
 * since: room reserved for keep requests it has not answered yet. Guarded by the {@link Hub}'s lock.
 */
final class Volunteer {
    long capacity;
    long maxPage;
    boolean adoptWeak;
    long reserved;
    int waiting;
    /** {@code weak} notices sent to it: a few a second at most, however many pages go weak. */
    final Rate weakNotices = new Rate();

    /** The offer as the cluster writes it: {@code capacity:maxPage:adoptWeak(0|1)} (docs/cluster.md). */
    String offer() {
        return capacity + ":" + maxPage + ":" + (adoptWeak ? 1 : 0);
    }

    /** Whether it has room for a new page of {@code size} bytes, and is not already busy with enough. */
    boolean hasRoom(long size, int maxWaiting) {
        return size <= maxPage && size <= capacity - reserved && waiting < maxWaiting;
    }
}
