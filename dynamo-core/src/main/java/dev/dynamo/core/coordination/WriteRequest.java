package dev.dynamo.core.coordination;

import dev.dynamo.api.Context;
import dev.dynamo.core.table.Table;
import java.util.Objects;

/**
 * A put or delete, validated, as a coordinator takes it.
 *
 * @param op        "put" or "delete", as errors and metrics name it
 * @param tombstone true for a delete: {@code value} is empty and the new version is a tombstone
 * @param w         the write quorum, 1 to the table's n
 * @param forwarded a non-replica node passed this write on: coordinate it here, do not pass it on again
 */
public record WriteRequest(String op, Table table, byte[] key, Context context, byte[] value, boolean tombstone,
                           int w, long timeoutMillis, boolean forwarded) {
    public WriteRequest {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(value, "value");
    }

    String tableName() {
        return table.config().name();
    }
}
