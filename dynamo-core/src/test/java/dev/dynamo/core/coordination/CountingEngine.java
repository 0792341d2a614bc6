package dev.dynamo.core.coordination;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.WriteBatch;
import java.util.concurrent.atomic.AtomicInteger;

/** An engine that counts its syncs, so a test can tell whether a write was made durable. */
final class CountingEngine implements StorageEngine {
    private final StorageEngine engine;
    private final AtomicInteger syncs = new AtomicInteger();

    CountingEngine(StorageEngine engine) {
        this.engine = engine;
    }

    int syncs() {
        return syncs.get();
    }

    @Override
    public byte[] get(byte[] key) {
        return engine.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        engine.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        engine.delete(key);
    }

    @Override
    public void write(WriteBatch batch) {
        engine.write(batch);
    }

    @Override
    public CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        return engine.scan(fromInclusive, toExclusive);
    }

    @Override
    public void sync() {
        syncs.incrementAndGet();
        engine.sync();
    }

    @Override
    public void close() {
        engine.close();
    }
}
