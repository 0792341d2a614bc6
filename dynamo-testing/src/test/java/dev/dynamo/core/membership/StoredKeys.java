package dev.dynamo.core.membership;

import static dev.dynamo.testing.Utf8.bytes;
import static dev.dynamo.testing.Utf8.string;

import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.version.Version;

/** What one node's engine holds of a table, read past the request path. */
final class StoredKeys {

    private StoredKeys() {
    }

    /** True when {@code node}'s table holds {@code value} under {@code key}. */
    static boolean holds(DynamoNode node, String table, Ring ring, String key, String value) {
        Table t = node.table(table);
        int p = ring.partitionOf(bytes(key), t.partitioner());
        for (Version v : t.store().get(p, bytes(key)).versions()) {
            if (!v.tombstone() && string(v.value()).equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** Number of keys in {@code node}'s table. */
    static long count(DynamoNode node, String table) {
        long[] n = {0};
        node.table(table).store().scanRange(null, null, kv -> {
            n[0]++;
            return true;
        });
        return n[0];
    }
}
