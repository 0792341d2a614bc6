package dev.dynamo.core.membership;

/**
 * Progress of the ring change in progress (or of the last one), as this node sees it.
 * Cluster-wide counts come from the rings (every node agrees on them); transfer, byte and
 * key counts are what this node itself received.
 *
 * <pre>{@code
 * RebalanceProgress p = membership.progress();
 * System.out.printf("%s: %d/%d partitions, %d bytes at %.0f B/s, eta %d ms%n", p.description(),
 *         p.partitionsDone(), p.partitionsTotal(), p.bytes(), p.bytesPerSecond(), p.etaMillis());
 * }</pre>
 *
 * @param transitionId     the transition (0: there never was one)
 * @param description      e.g. "join n6"
 * @param active           true while partitions are still moving
 * @param partitionsDone   partitions whose ownership has switched to the target owner
 * @param partitionsTotal  partitions the transition moves
 * @param transfersDone    (table, partition) copies this node has finished receiving
 * @param transfersTotal   (table, partition) copies this node has to receive so far
 * @param bytes            bytes this node received (keys and encoded sibling sets)
 * @param keys             keys this node received
 * @param retries          chunk pulls that failed and were resumed (from the last key received,
 *                         at the next old replica)
 * @param bytesPerSecond   bytes received per second since this node learnt of the transition
 * @param etaMillis        estimated time until the target ring is reached; 0 when done, -1 unknown
 */
public record RebalanceProgress(long transitionId, String description, boolean active, int partitionsDone,
                                int partitionsTotal, int transfersDone, int transfersTotal, long bytes, long keys,
                                long retries, double bytesPerSecond, long etaMillis) {

    public static final RebalanceProgress NONE = new RebalanceProgress(0, "", false, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
