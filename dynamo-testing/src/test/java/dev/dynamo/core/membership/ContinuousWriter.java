package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;

import dev.dynamo.api.Context;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.testing.TestCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A client that writes a new key every few milliseconds through a random coordinator of
 * a virtual-time {@link TestCluster} and remembers every acknowledged write, so a test can
 * check that ring changes lose none. Deterministic from its seed.
 */
final class ContinuousWriter {
    private final TestCluster cluster;
    private final String table;
    private final Random random;
    private final Set<String> coordinators;
    private final Map<String, String> acked = new LinkedHashMap<>();
    private boolean writing;
    private long nextKey;
    private int failed;
    private int inFlight;

    ContinuousWriter(TestCluster cluster, String table, long seed) {
        this.cluster = cluster;
        this.table = table;
        this.random = new Random(seed);
        this.coordinators = new TreeSet<>(cluster.nodeIds());
    }

    /** Acknowledged writes, key to value, in the order they were sent. */
    Map<String, String> acked() {
        return acked;
    }

    int failed() {
        return failed;
    }

    /** Whether node {@code id} may coordinate the writes. */
    void writeThrough(String id, boolean yes) {
        if (yes) {
            coordinators.add(id);
        } else {
            coordinators.remove(id);
        }
    }

    /** One put every {@code everyMillis}, each to a new key. */
    void start(long everyMillis) {
        writing = true;
        cluster.scheduler().schedule(new Runnable() {
            @Override
            public void run() {
                if (!writing) {
                    return;
                }
                List<String> from = new ArrayList<>(coordinators);
                String via = from.get(random.nextInt(from.size()));
                String key = "k" + (nextKey++);
                String value = "v-" + key;
                inFlight++;
                cluster.node(via).put(table, bytes(key), Context.EMPTY, bytes(value), RequestOptions.DEFAULT)
                        .whenComplete((c, e) -> {
                            inFlight--;
                            if (e == null) {
                                acked.put(key, value);
                            } else {
                                failed++; // not acknowledged: nothing to check for this key
                            }
                        });
                cluster.scheduler().schedule(this, everyMillis);
            }
        }, everyMillis);
    }

    /** Stops writing and waits for the writes in flight. */
    void stop() {
        writing = false;
        cluster.runUntil(() -> inFlight == 0, 60_000, "in-flight writes to finish");
    }
}
