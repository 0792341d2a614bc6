package dev.dynamo.bench.ycsb;

import dev.dynamo.core.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.WorkloadException;
import site.ycsb.workloads.CoreWorkload;

/**
 * YCSB's {@link CoreWorkload} with two steps before YCSB starts its clock (a workload's
 * {@code init()} runs before it; the bindings' {@code init()} runs inside the timed run):
 *
 * <ul>
 * <li>{@code suite.preload=true}: fills the {@link EngineDB} engine with the run's
 *     {@code recordcount} records (YCSB's key names, {@code fieldcount} random fields of
 *     {@code fieldlength} bytes) unless it holds them already. The storage ceiling runs
 *     the engine inside the YCSB process, so a memory engine loaded by a separate
 *     {@code -load} run would be gone.</li>
 * <li>{@code suite.warmup.seconds=S}: runs the workload's own operations for S seconds
 *     on {@code threadcount} threads through the same binding ({@code db}), unmeasured,
 *     so that the measured run starts with compiled code and open connections. The
 *     binding instance stays open until {@link #cleanup()}, which keeps a binding's
 *     shared client (see {@link SharedResource}) and its connections for the run.</li>
 * </ul>
 *
 * <pre>
 * site.ycsb.Client -t -db dev.dynamo.bench.ycsb.DynamoDB -P bench/workloads/workloada \
 *     -p workload=dev.dynamo.bench.ycsb.SuiteWorkload -p suite.warmup.seconds=5
 * </pre>
 */
public final class SuiteWorkload extends CoreWorkload {
    private final List<AutoCloseable> held = new ArrayList<>();

    @Override
    public void init(Properties p) throws WorkloadException {
        super.init(p);
        if (Boolean.parseBoolean(p.getProperty("suite.preload", "false"))) {
            preload(p);
        }
        double warmup = Double.parseDouble(p.getProperty("suite.warmup.seconds", "0"));
        if (warmup > 0) {
            warmUp(p, (long) (warmup * 1e9));
        }
    }

    private void preload(Properties p) throws WorkloadException {
        SharedResource<StorageEngine> engine;
        try {
            engine = EngineDB.acquire(p);
        } catch (DBException e) {
            throw new WorkloadException(e.getMessage(), e);
        }
        held.add(engine::release);
        StorageEngine e = engine.get();
        int fields = Integer.parseInt(p.getProperty(FIELD_COUNT_PROPERTY, FIELD_COUNT_PROPERTY_DEFAULT));
        int length = Integer.parseInt(p.getProperty(FIELD_LENGTH_PROPERTY, FIELD_LENGTH_PROPERTY_DEFAULT));
        if (recordcount > 0 && e.get(key(recordcount - 1)) != null) {
            return; // loaded by an earlier run on the same data directory
        }
        SplittableRandom random = new SplittableRandom(recordcount);
        for (long i = 0; i < recordcount; i++) {
            Map<String, byte[]> record = new LinkedHashMap<>();
            for (int f = 0; f < fields; f++) {
                byte[] v = new byte[length];
                random.nextBytes(v);
                record.put("field" + f, v);
            }
            e.put(key(i), RecordCodec.encode(record));
        }
        e.sync();
    }

    private byte[] key(long keynum) {
        return buildKeyName(keynum).getBytes(StandardCharsets.UTF_8);
    }

    private void warmUp(Properties p, long nanos) throws WorkloadException {
        String dbClass = p.getProperty("db");
        int threads = Integer.parseInt(p.getProperty("threadcount", "1"));
        DB db;
        try {
            db = (DB) Class.forName(dbClass).getConstructor().newInstance();
            db.setProperties(p);
            db.init();
        } catch (ReflectiveOperationException | DBException | RuntimeException e) {
            throw new WorkloadException("warm-up: cannot open binding '" + dbClass + "': " + e, e);
        }
        held.add(db::cleanup);
        long end = System.nanoTime() + nanos;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Object state = initThread(p, t, threads);
            Thread w = new Thread(() -> {
                while (System.nanoTime() < end) {
                    doTransaction(db, state);
                }
            }, "warmup-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            try {
                // bounded: each worker stops at 'end'; the margin covers one slow last operation
                w.join(nanos / 1_000_000 + 60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkloadException("warm-up interrupted", e);
            }
        }
    }

    @Override
    public void cleanup() throws WorkloadException {
        super.cleanup();
        WorkloadException failed = null;
        for (int i = held.size() - 1; i >= 0; i--) {
            try {
                held.get(i).close();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new WorkloadException("closing after the run failed: " + e, e);
                }
            }
        }
        held.clear();
        if (failed != null) {
            throw failed;
        }
    }
}
