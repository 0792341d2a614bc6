package dev.dynamo.bench.ycsb;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.time.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * The storage ceiling as a YCSB binding: one storage engine driven in the YCSB process,
 * with no network, no replication, no versioning: a read is the engine's get, an insert
 * its put, an update a get and a put (the same read-modify-write {@link DynamoDB} does).
 * The engine is shared by the run's threads and opened by name, as a node opens a table's.
 *
 * <p>Properties: {@code engine.name} (memory, mvstore, bdb, rocksdb; required),
 * {@code engine.dir} (its data directory; required but for memory), {@code engine.sync}
 * ({@code true}: sync after every write, as a table with {@code durability = sync}; default
 * false), {@code engine.<name>.*} (the engine's own settings, as in a table file).
 *
 * <pre>
 * java -cp ... site.ycsb.Client -t -db dev.dynamo.bench.ycsb.EngineDB -P bench/workloads/workloada \
 *     -p engine.name=rocksdb -p engine.dir=/tmp/x
 * </pre>
 */
public final class EngineDB extends DB {
    private static final Logger LOG = LoggerFactory.getLogger(EngineDB.class);

    private SharedResource<StorageEngine> shared;
    private StorageEngine engine;
    private boolean sync;

    @Override
    public void init() throws DBException {
        sync = Boolean.parseBoolean(getProperties().getProperty("engine.sync", "false"));
        shared = acquire(getProperties());
        engine = shared.get();
    }

    /**
     * The run's engine, opened by the first caller; see {@link SharedResource}. Also used by
     * {@link PreloadWorkload}, which fills it before YCSB starts its clock.
     */
    static SharedResource<StorageEngine> acquire(Properties p) throws DBException {
        String name = p.getProperty("engine.name");
        if (name == null || name.isBlank()) {
            throw new DBException("engine binding: set engine.name (memory, mvstore, bdb or rocksdb)");
        }
        String dir = p.getProperty("engine.dir");
        if (dir == null && !name.equals("memory")) {
            throw new DBException("engine binding: set engine.dir, the data directory of engine '" + name + "'");
        }
        Map<String, String> settings = new HashMap<>();
        String prefix = "engine." + name + ".";
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith(prefix)) {
                settings.put(k.substring(prefix.length()), p.getProperty(k));
            }
        }
        try {
            return SharedResource.acquire(p, "engine", () -> {
                Path data = Path.of(dir != null ? dir : System.getProperty("java.io.tmpdir")).resolve("usertable");
                try {
                    Files.createDirectories(data);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot create " + data + ": " + e.getMessage(), e);
                }
                LOG.info("engine binding: engine {} in {}", name, data);
                return Plugins.engine(name).open(new EngineContext("usertable", data, settings, Clock.system()));
            });
        } catch (RuntimeException e) {
            throw new DBException("engine binding: cannot open engine '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanup() throws DBException {
        if (shared != null) {
            try {
                shared.release();
            } catch (Exception e) {
                throw new DBException("engine binding: closing the engine failed: " + e, e);
            } finally {
                shared = null;
            }
        }
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> bytes(Map<String, ByteIterator> values) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v.toArray()));
        return out;
    }

    private void put(byte[] key, Map<String, byte[]> record) {
        engine.put(key, RecordCodec.encode(record));
        if (sync) {
            engine.sync();
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        byte[] v = engine.get(key(key));
        if (v == null) {
            return Status.NOT_FOUND;
        }
        RecordCodec.decode(v).forEach((f, b) -> {
            if (fields == null || fields.contains(f)) {
                result.put(f, new ByteArrayByteIterator(b));
            }
        });
        return Status.OK;
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        // the store cannot scan (hash placement), so its ceiling does not either
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        byte[] k = key(key);
        byte[] v = engine.get(k);
        if (v == null) {
            return Status.NOT_FOUND;
        }
        Map<String, byte[]> record = RecordCodec.decode(v);
        record.putAll(bytes(values));
        put(k, record);
        return Status.OK;
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        put(key(key), bytes(values));
        return Status.OK;
    }

    @Override
    public Status delete(String table, String key) {
        engine.delete(key(key));
        if (sync) {
            engine.sync();
        }
        return Status.OK;
    }
}
