package dev.dynamo.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Operations applied atomically by {@link StorageEngine#write(WriteBatch)}.
 *
 * <pre>{@code
 * engine.write(WriteBatch.builder().put(k1, v1).delete(k2).build());
 * }</pre>
 */
public record WriteBatch(List<Op> ops) {

    /** One operation: a put when {@code value} is non-null, a delete otherwise. */
    public record Op(byte[] key, byte[] value) {
        public Op {
            Objects.requireNonNull(key, "key");
        }

        public boolean isDelete() {
            return value == null;
        }
    }

    public WriteBatch {
        ops = List.copyOf(ops);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects operations in order. */
    public static final class Builder {
        private final List<Op> ops = new ArrayList<>();

        public Builder put(byte[] key, byte[] value) {
            ops.add(new Op(key, Objects.requireNonNull(value, "value")));
            return this;
        }

        public Builder delete(byte[] key) {
            ops.add(new Op(key, null));
            return this;
        }

        public WriteBatch build() {
            return new WriteBatch(ops);
        }
    }
}
