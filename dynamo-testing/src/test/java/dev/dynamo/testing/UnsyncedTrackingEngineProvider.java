package dev.dynamo.testing;

import dev.dynamo.core.engine.memory.MemoryStorageEngine;
import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;
import dev.dynamo.core.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * Engine {@value #NAME}: a memory engine that remembers which keys were written since its
 * last sync, so a test can tell whether data a node relies on is durable. Register it with
 * {@code PluginRegistry.installed().withEngine(new UnsyncedTrackingEngineProvider())}.
 *
 * <pre>{@code
 * UnsyncedTrackingEngineProvider.Engine e = (UnsyncedTrackingEngineProvider.Engine) node.table("t").engine();
 * assertEquals(0, e.unsyncedKeys());
 * }</pre>
 */
public final class UnsyncedTrackingEngineProvider implements StorageEngineProvider {
    public static final String NAME = "test-unsynced-tracking";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StorageEngine open(EngineContext context) {
        return new Engine(new MemoryStorageEngine(context.table()));
    }

    /** The engine: every write is kept in memory and noted until the next sync. */
    public static final class Engine implements StorageEngine {
        private final MemoryStorageEngine data;
        private final Set<ByteBuffer> unsynced = new HashSet<>();

        Engine(MemoryStorageEngine data) {
            this.data = data;
        }

        /** Keys written since the last sync: what a crash now would lose. */
        public synchronized int unsyncedKeys() {
            return unsynced.size();
        }

        @Override
        public byte[] get(byte[] key) {
            return data.get(key);
        }

        @Override
        public synchronized void put(byte[] key, byte[] value) {
            data.put(key, value);
            unsynced.add(ByteBuffer.wrap(key.clone()));
        }

        @Override
        public synchronized void delete(byte[] key) {
            data.delete(key);
            unsynced.add(ByteBuffer.wrap(key.clone()));
        }

        @Override
        public synchronized void write(WriteBatch batch) {
            data.write(batch);
            batch.ops().forEach(op -> unsynced.add(ByteBuffer.wrap(op.key().clone())));
        }

        @Override
        public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
            return data.scan(fromInclusive, toExclusive);
        }

        @Override
        public synchronized void sync() {
            unsynced.clear();
        }

        @Override
        public void close() {
            data.close();
        }
    }
}
