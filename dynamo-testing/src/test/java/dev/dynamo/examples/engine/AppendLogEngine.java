package dev.dynamo.examples.engine;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * An example engine: the table lives in a sorted map in memory, and every write is first
 * appended to {@code <dataDir>/data.log}, which {@link #open} replays. One log record is one
 * batch, {@code [payload length][CRC-32 of payload][payload]}, the payload a run of
 * {@code [key length][key][value length, -1 for a delete][value]}: a batch is on disk whole
 * or not at all, and a record torn by a crash fails its CRC and is cut off on the next open.
 * Every method is {@code synchronized}, so no reader sees half a batch. Not for production:
 * the log is never compacted and must fit in memory on open.
 *
 * <pre>{@code
 * try (StorageEngine engine = AppendLogEngine.open("carts", Path.of("data/carts"), false)) {
 *     engine.put(key, value);
 * }
 * }</pre>
 */
public final class AppendLogEngine implements StorageEngine {
    private final String table;
    private final Path file;
    private final boolean fsyncEveryWrite;
    private final FileChannel log;
    private final NavigableMap<byte[], byte[]> map;
    private volatile boolean closed;

    private AppendLogEngine(String table, Path file, boolean fsyncEveryWrite, FileChannel log,
                            NavigableMap<byte[], byte[]> map) {
        this.table = table;
        this.file = file;
        this.fsyncEveryWrite = fsyncEveryWrite;
        this.log = log;
        this.map = map;
    }

    /** Opens (creating if needed) the log in {@code dataDir} and replays it. */
    public static AppendLogEngine open(String table, Path dataDir, boolean fsyncEveryWrite) {
        Path file = dataDir.resolve("data.log");
        try {
            Files.createDirectories(dataDir);
            ByteBuffer old = ByteBuffer.wrap(Files.exists(file) ? Files.readAllBytes(file) : new byte[0]);
            NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
            int end = 0;
            while (old.remaining() >= 8) {
                int length = old.getInt();
                int crc = old.getInt();
                if (length < 0 || length > old.remaining() || crc != crc(old.slice(old.position(), length))) {
                    break; // a torn last record: everything before it is good
                }
                apply(old.slice(old.position(), length), map);
                end = old.position() + length;
                old.position(end);
            }
            if (end < old.capacity()) {
                try (FileChannel torn = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    torn.truncate(end); // new records must follow the last good one, or replay never reaches them
                }
            }
            FileChannel log = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new AppendLogEngine(table, file, fsyncEveryWrite, log, map);
        } catch (IOException e) {
            throw new StorageException("table '" + table + "': cannot open " + file + ": " + e, e);
        }
    }

    @Override
    public synchronized byte[] get(byte[] key) {
        ensureOpen();
        byte[] value = map.get(key);
        return value == null ? null : value.clone();
    }

    @Override
    public void put(byte[] key, byte[] value) {
        write(WriteBatch.builder().put(key, value).build());
    }

    @Override
    public void delete(byte[] key) {
        write(WriteBatch.builder().delete(key).build());
    }

    @Override
    public synchronized void write(WriteBatch batch) {
        ensureOpen();
        int length = 0;
        for (WriteBatch.Op op : batch.ops()) {
            length += 8 + op.key().length + (op.isDelete() ? 0 : op.value().length);
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        for (WriteBatch.Op op : batch.ops()) {
            payload.putInt(op.key().length).put(op.key());
            payload.putInt(op.isDelete() ? -1 : op.value().length).put(op.isDelete() ? new byte[0] : op.value());
        }
        ByteBuffer record = ByteBuffer.allocate(8 + length).putInt(length).putInt(crc(payload.flip()));
        record.put(payload.rewind()).flip();
        try {
            while (record.hasRemaining()) {
                log.write(record);
            }
            if (fsyncEveryWrite) {
                log.force(false);
            }
        } catch (IOException e) {
            // a half-written record would hide every later one from replay: stop writing
            closed = true;
            throw new StorageException("table '" + table + "': cannot append to " + file + ", engine closed", e);
        }
        apply(payload.rewind(), map); // the map gets copies decoded from the log, as a replay would
    }

    private static void apply(ByteBuffer payload, Map<byte[], byte[]> map) {
        while (payload.hasRemaining()) {
            byte[] key = new byte[payload.getInt()];
            payload.get(key);
            int valueLength = payload.getInt();
            if (valueLength < 0) {
                map.remove(key);
            } else {
                byte[] value = new byte[valueLength];
                payload.get(value);
                map.put(key, value);
            }
        }
    }

    @Override
    public synchronized CloseableIterator<KeyValue> scan(byte[] fromInclusive, byte[] toExclusive) {
        ensureOpen();
        byte[] from = fromInclusive == null ? new byte[0] : fromInclusive; // the empty key sorts first
        Map<byte[], byte[]> range = toExclusive == null ? map.tailMap(from, true)
                : Arrays.compareUnsigned(from, toExclusive) >= 0 ? Map.of()
                : map.subMap(from, true, toExclusive, false);
        // stored arrays are never changed (a put replaces them), so copied references are a snapshot
        Iterator<Map.Entry<byte[], byte[]>> snapshot = new ArrayList<>(range.entrySet()).iterator();
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                ensureOpen();
                return snapshot.hasNext();
            }

            @Override
            public KeyValue next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("scan of table '" + table + "' is exhausted");
                }
                Map.Entry<byte[], byte[]> e = snapshot.next();
                return new KeyValue(e.getKey().clone(), e.getValue().clone());
            }

            @Override
            public void close() {
                // nothing to release: the snapshot is garbage once unreferenced
            }
        };
    }

    @Override
    public synchronized void sync() {
        ensureOpen();
        try {
            log.force(false);
        } catch (IOException e) {
            throw new StorageException("table '" + table + "': cannot fsync " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        try (FileChannel closing = log) {
            if (closing.isOpen()) {
                closing.force(false);
            }
        } catch (IOException e) {
            throw new StorageException("table '" + table + "': cannot close " + file, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageException("example-append-log engine of table '" + table + "' is closed");
        }
    }

    private static int crc(ByteBuffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }
}
