package dev.dynamo.core.table;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One table's settings, parsed once at start-up (from {@code conf/tables/<name>.properties}).
 *
 * @param name            table name: letters, digits, '-', '_' (1..64)
 * @param n               replicas per key
 * @param r               replicas a get waits for (1..n)
 * @param w               replicas a put or delete waits for (1..n)
 * @param engine          storage engine plugin name
 * @param reconciler      reconciler plugin name
 * @param partitioner     partitioner plugin name
 * @param durability      SYNC: fsync before acknowledging; BUFFERED: the engine's write buffer
 * @param maxValueBytes   largest value accepted
 * @param timeoutMillis   coordinator deadline per request
 * @param engineProperties   {@code engine.<engine>.*} keys without the prefix
 * @param reconcilerProperties {@code reconciler.<reconciler>.*} keys without the prefix
 * @param maxSiblings     most siblings a write may leave a key with when it supersedes none
 *                        ({@code max-siblings}, 1..{@value #LARGEST_MAX_SIBLINGS})
 * @param warnSiblings    a write leaving a key with more siblings than this logs a warning
 *                        ({@code warn-siblings}, 1..maxSiblings)
 * @param quorum          over which replicas R and W are counted ({@code quorum}: all, local or each)
 */
public record TableConfig(String name, int n, int r, int w, String engine, String reconciler, String partitioner,
                          Durability durability, int maxValueBytes, long timeoutMillis,
                          Map<String, String> engineProperties, Map<String, String> reconcilerProperties,
                          int maxSiblings, int warnSiblings, QuorumScope quorum) {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;
    public static final long DEFAULT_TIMEOUT_MILLIS = 2_000;
    /** Riak refuses at 100 siblings, too. */
    public static final int DEFAULT_MAX_SIBLINGS = 100;
    /** Riak warns at 25 siblings, too. */
    public static final int DEFAULT_WARN_SIBLINGS = 25;
    /**
     * The highest {@code max-siblings}: every write and replication carries a key's whole
     * sibling set, and merging two sets takes time quadratic in their size.
     */
    public static final int LARGEST_MAX_SIBLINGS = 10_000;

    /** How a write is made durable before it is acknowledged. */
    public enum Durability { SYNC, BUFFERED }

    public TableConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("table name '" + name + "' must match " + NAME.pattern());
        }
        if (n < 1) {
            throw new IllegalArgumentException("table '" + name + "': n must be >= 1, was " + n);
        }
        if (r < 1 || r > n) {
            throw new IllegalArgumentException("table '" + name + "': r must be between 1 and n=" + n + ", was " + r);
        }
        if (w < 1 || w > n) {
            throw new IllegalArgumentException("table '" + name + "': w must be between 1 and n=" + n + ", was " + w);
        }
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(reconciler, "reconciler");
        Objects.requireNonNull(partitioner, "partitioner");
        Objects.requireNonNull(durability, "durability");
        if (maxValueBytes < 0) {
            throw new IllegalArgumentException("table '" + name + "': max-value-bytes must be >= 0, was " + maxValueBytes);
        }
        if (timeoutMillis < 1) {
            throw new IllegalArgumentException("table '" + name + "': timeout-ms must be >= 1, was " + timeoutMillis);
        }
        engineProperties = Map.copyOf(engineProperties);
        reconcilerProperties = Map.copyOf(reconcilerProperties);
        if (maxSiblings < 1 || maxSiblings > LARGEST_MAX_SIBLINGS) {
            throw new IllegalArgumentException("table '" + name + "': max-siblings must be between 1 and "
                    + LARGEST_MAX_SIBLINGS + ", was " + maxSiblings);
        }
        if (warnSiblings < 1 || warnSiblings > maxSiblings) {
            throw new IllegalArgumentException("table '" + name + "': warn-siblings must be between 1 and"
                    + " max-siblings=" + maxSiblings + ", was " + warnSiblings);
        }
        Objects.requireNonNull(quorum, "quorum");
    }

    /** A table whose quorums count all replicas ({@link QuorumScope#ALL}). */
    public TableConfig(String name, int n, int r, int w, String engine, String reconciler, String partitioner,
                       Durability durability, int maxValueBytes, long timeoutMillis,
                       Map<String, String> engineProperties, Map<String, String> reconcilerProperties,
                       int maxSiblings, int warnSiblings) {
        this(name, n, r, w, engine, reconciler, partitioner, durability, maxValueBytes, timeoutMillis,
                engineProperties, reconcilerProperties, maxSiblings, warnSiblings, QuorumScope.ALL);
    }

    /** A table with the default sibling limits (warning at 25, or at max-siblings when that is lower). */
    public TableConfig(String name, int n, int r, int w, String engine, String reconciler, String partitioner,
                       Durability durability, int maxValueBytes, long timeoutMillis,
                       Map<String, String> engineProperties, Map<String, String> reconcilerProperties) {
        this(name, n, r, w, engine, reconciler, partitioner, durability, maxValueBytes, timeoutMillis,
                engineProperties, reconcilerProperties, DEFAULT_MAX_SIBLINGS, DEFAULT_WARN_SIBLINGS);
    }

    /** A table with the given replication on the given engine and reconciler, other settings default. */
    public static TableConfig of(String name, int n, int r, int w, String engine, String reconciler) {
        return new TableConfig(name, n, r, w, engine, reconciler, "md5", Durability.BUFFERED,
                DEFAULT_MAX_VALUE_BYTES, DEFAULT_TIMEOUT_MILLIS, Map.of(), Map.of());
    }

    public TableConfig withDurability(Durability d) {
        return new TableConfig(name, n, r, w, engine, reconciler, partitioner, d, maxValueBytes, timeoutMillis,
                engineProperties, reconcilerProperties, maxSiblings, warnSiblings, quorum);
    }

    public TableConfig withTimeoutMillis(long t) {
        return new TableConfig(name, n, r, w, engine, reconciler, partitioner, durability, maxValueBytes, t,
                engineProperties, reconcilerProperties, maxSiblings, warnSiblings, quorum);
    }

    public TableConfig withMaxValueBytes(int max) {
        return new TableConfig(name, n, r, w, engine, reconciler, partitioner, durability, max, timeoutMillis,
                engineProperties, reconcilerProperties, maxSiblings, warnSiblings, quorum);
    }

    /** The same table with {@code max-siblings} and {@code warn-siblings} set. */
    public TableConfig withSiblingLimits(int max, int warn) {
        return new TableConfig(name, n, r, w, engine, reconciler, partitioner, durability, maxValueBytes,
                timeoutMillis, engineProperties, reconcilerProperties, max, warn, quorum);
    }

    /** The same table with its quorums counted over {@code scope}. */
    public TableConfig withQuorum(QuorumScope scope) {
        return new TableConfig(name, n, r, w, engine, reconciler, partitioner, durability, maxValueBytes,
                timeoutMillis, engineProperties, reconcilerProperties, maxSiblings, warnSiblings, scope);
    }
}
