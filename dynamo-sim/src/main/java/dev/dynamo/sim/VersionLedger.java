package dev.dynamo.sim;

import dev.dynamo.core.io.ByteReader;
import dev.dynamo.core.store.StorageKeys;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.SiblingSetCodec;
import dev.dynamo.core.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the storage engines of a simulated cluster ever held: each version (write
 * event) of each key, which nodes stored it (in a table or as a hint), and which of them
 * lost it in a crash. The checkers use it as the ground truth a real Jepsen test lacks: the
 * dot, causal context and timestamp of writes that are no longer anywhere.
 *
 * <p>It also catches one bug by itself: two different writes stored under one identity
 * (table, key, dot), which would make replicas treat different values as the same version
 * ({@link #anomalies()}).
 *
 * <pre>{@code
 * VersionLedger ledger = new VersionLedger();
 * // engines report: ledger.stored(node, table, storageKey, encodedSiblingSet, now)
 * ledger.known(new VersionLedger.WriteId("t", "k1", dot)).holders();
 * }</pre>
 */
public final class VersionLedger {

    /** The system table of hints, whose keys name the target, the table and the key. */
    static final String HINTS_TABLE = "__hints";

    /** Identity of one write: its table, its key and its dot. */
    public record WriteId(String table, String key, Dot dot) {
        @Override
        public String toString() {
            return table + "/" + key + "@" + dot.node() + ":" + dot.counter();
        }
    }

    /** What is known of one version. */
    public static final class Known {
        private final WriteId id;
        private final Version version;
        private final long firstStoredAt;
        private final Set<String> holders = new TreeSet<>();
        private final Set<String> tableHolders = new TreeSet<>();
        private final Set<String> lostOn = new TreeSet<>();
        private final Set<String> durableOn = new TreeSet<>();
        private final Set<String> purgedOn = new TreeSet<>();

        Known(WriteId id, Version version, long firstStoredAt) {
            this.id = id;
            this.version = version;
            this.firstStoredAt = firstStoredAt;
        }

        public WriteId id() {
            return id;
        }

        public Version version() {
            return version;
        }

        public long firstStoredAt() {
            return firstStoredAt;
        }

        /** Nodes that stored it, in a table or as a hint. */
        public Set<String> holders() {
            return Collections.unmodifiableSet(holders);
        }

        /** Nodes that stored it in the table itself (not as a hint). */
        public Set<String> tableHolders() {
            return Collections.unmodifiableSet(tableHolders);
        }

        /** Nodes on which a crash discarded it before it was durable. */
        public Set<String> lostOn() {
            return Collections.unmodifiableSet(lostOn);
        }

        /** Nodes whose engine made it durable (a successful sync covered it), in a table or as a hint. */
        public Set<String> durableOn() {
            return Collections.unmodifiableSet(durableOn);
        }

        /** Nodes that removed it from the table with its whole key: a tombstone purge. */
        public Set<String> purgedOn() {
            return Collections.unmodifiableSet(purgedOn);
        }

        /**
         * True when a crash discarded it and every node that stored it in the table lost it in
         * a crash (it existed only in buffers). Hint holders do not count: a hint is handed to
         * the owner and then deleted, or lost in its holder's crash.
         */
        public boolean lostEverywhereInCrashes() {
            return !lostOn.isEmpty() && lostOn.containsAll(tableHolders);
        }

        public String value() {
            return version.tombstone() ? "<tombstone>" : new String(version.value(), StandardCharsets.UTF_8);
        }
    }

    /** Two different writes stored under one identity (table, key, dot). */
    public record Anomaly(long at, String node, Known earlier, Version later) {
        @Override
        public String toString() {
            return "at " + at + " node " + node + " stored " + describe(later) + " under identity " + earlier.id()
                    + ", which already named " + describe(earlier.version()) + ": two different writes got one dot";
        }
    }

    /** One crash's loss of unsynced versions of one key on one node. */
    public record Loss(long at, String node, String table, String key, List<Dot> dots) {
    }

    private final Map<WriteId, Known> versions = new LinkedHashMap<>();
    private final Map<String, Map<String, Known>> byValue = new LinkedHashMap<>();
    private final Map<String, List<Known>> byKey = new LinkedHashMap<>();
    private final List<Loss> losses = new ArrayList<>();
    private final List<Anomaly> anomalies = new ArrayList<>();

    /** An engine of {@code node} stored {@code value} under {@code storageKey}. */
    public synchronized void stored(String node, String engineTable, byte[] storageKey, byte[] value, long now) {
        Located where = locate(engineTable, storageKey);
        SiblingSet set = decode(value);
        if (where == null || set == null) {
            return;
        }
        for (Version v : set.versions()) {
            WriteId id = new WriteId(where.table, where.key, v.dot());
            Known k = versions.get(id);
            if (k == null) {
                k = new Known(id, v, now);
                versions.put(id, k);
                byKey.computeIfAbsent(where.table + "/" + where.key, x -> new ArrayList<>()).add(k);
                if (!v.tombstone()) {
                    byValue.computeIfAbsent(where.table + "/" + where.key, x -> new LinkedHashMap<>())
                            .putIfAbsent(k.value(), k);
                }
            } else if (!sameWrite(k.version, v)) {
                anomalies.add(new Anomaly(now, node, k, v));
                continue; // the holder holds the other write; do not count it for this one
            }
            k.holders.add(node);
            if (!engineTable.equals(HINTS_TABLE)) {
                k.tableHolders.add(node);
            }
        }
    }

    /** A crash of {@code node} rolled {@code storageKey} back from {@code before} to {@code after}. */
    public synchronized void lost(String node, String engineTable, byte[] storageKey, byte[] before, byte[] after,
                                  long now) {
        Located where = locate(engineTable, storageKey);
        if (where == null) {
            return;
        }
        SiblingSet was = before == null ? SiblingSet.EMPTY : decode(before);
        SiblingSet is = after == null ? SiblingSet.EMPTY : decode(after);
        if (was == null || is == null) {
            return;
        }
        List<Dot> dots = new ArrayList<>();
        for (Version v : was.versions()) {
            if (!is.versions().contains(v)) {
                dots.add(v.dot());
                Known k = versions.get(new WriteId(where.table, where.key, v.dot()));
                if (k != null) {
                    k.lostOn.add(node);
                }
            }
        }
        if (!dots.isEmpty()) {
            losses.add(new Loss(now, node, where.table, where.key, List.copyOf(dots)));
        }
    }

    /** A successful sync of {@code node}'s engine made the versions in {@code value} durable there. */
    public synchronized void durable(String node, String engineTable, byte[] storageKey, byte[] value) {
        forEachKnown(engineTable, storageKey, value, k -> k.durableOn.add(node));
    }

    /**
     * An engine of {@code node} deleted {@code storageKey}, which held {@code before}: in a
     * table (not the hint store, whose delivered hints are deleted) that is a tombstone purge.
     */
    public synchronized void removed(String node, String engineTable, byte[] storageKey, byte[] before, long now) {
        if (!engineTable.equals(HINTS_TABLE)) {
            forEachKnown(engineTable, storageKey, before, k -> k.purgedOn.add(node));
        }
    }

    private void forEachKnown(String engineTable, byte[] storageKey, byte[] value, java.util.function.Consumer<Known> f) {
        Located where = locate(engineTable, storageKey);
        SiblingSet set = decode(value);
        if (where == null || set == null) {
            return;
        }
        for (Version v : set.versions()) {
            Known k = versions.get(new WriteId(where.table, where.key, v.dot()));
            if (k != null && sameWrite(k.version, v)) {
                f.accept(k);
            }
        }
    }

    public synchronized Known known(WriteId id) {
        return versions.get(id);
    }

    /** The first version stored with this live value under the key, or null. */
    public synchronized Known byValue(String table, String key, String value) {
        Map<String, Known> m = byValue.get(table + "/" + key);
        return m == null ? null : m.get(value);
    }

    /** Every version ever stored for the key, in the order first seen. */
    public synchronized List<Known> versionsOf(String table, String key) {
        return List.copyOf(byKey.getOrDefault(table + "/" + key, List.of()));
    }

    public synchronized List<Loss> losses() {
        return List.copyOf(losses);
    }

    /** Violations the ledger saw by itself (one dot naming two writes). */
    public synchronized List<Anomaly> anomalies() {
        return List.copyOf(anomalies);
    }

    public synchronized int size() {
        return versions.size();
    }

    /** Tombstones some node purged (removed from a table with their key). */
    public synchronized int purgedTombstones() {
        return (int) versions.values().stream().filter(k -> k.version.tombstone() && !k.purgedOn.isEmpty()).count();
    }

    private record Located(String table, String key) {
    }

    private static Located locate(String engineTable, byte[] storageKey) {
        try {
            if (engineTable.equals(HINTS_TABLE)) {
                // HintStore layout: target, table (length-prefixed strings), 4-byte partition, user key
                ByteReader r = new ByteReader(storageKey);
                r.readString();
                String table = r.readString();
                r.readInt();
                byte[] key = Arrays.copyOfRange(storageKey, storageKey.length - r.remaining(), storageKey.length);
                return new Located(table, new String(key, StandardCharsets.UTF_8));
            }
            return new Located(engineTable, new String(StorageKeys.userKey(storageKey), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null; // not a layout the simulation writes
        }
    }

    private static SiblingSet decode(byte[] value) {
        try {
            return SiblingSetCodec.decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameWrite(Version a, Version b) {
        return a.timestamp() == b.timestamp() && a.tombstone() == b.tombstone() && Arrays.equals(a.value(), b.value())
                && a.context().equals(b.context());
    }

    static String describe(Version v) {
        return (v.tombstone() ? "a tombstone" : "'" + new String(v.value(), StandardCharsets.UTF_8) + "'")
                + " @" + v.timestamp() + " ctx=" + v.context();
    }
}
