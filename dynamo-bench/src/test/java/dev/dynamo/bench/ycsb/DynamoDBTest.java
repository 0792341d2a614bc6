package dev.dynamo.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.reconcilers.LwwReconciler;
import dev.dynamo.testing.CoordinatedRequests;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.TimeKind;
import dev.dynamo.testing.TransportKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.measurements.Measurements;
import site.ycsb.workloads.CoreWorkload;

/**
 * The binding against three real nodes on loopback (N=3, R=2, W=2, memory engine, lww),
 * through the Java client over sockets: single operations with their YCSB statuses, and
 * YCSB's own {@link CoreWorkload} loading and running workload A on four threads.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DynamoDBTest {
    private static final String TABLE = "usertable";

    @TempDir
    static Path dir;
    private static final CoordinatedRequests COORDINATED = new CoordinatedRequests();
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.builder().nodes(3).partitions(16).transport(TransportKind.NETTY).time(TimeKind.REAL)
                .dataDir(dir).observers(COORDINATED).nodeOptions(NodeOptions.DEFAULTS.withSystemEngine("memory"))
                .table(TableConfig.of(TABLE, 3, 2, 2, "memory", LwwReconciler.NAME)).build();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Properties properties(String... extra) {
        Properties p = new Properties();
        p.setProperty("dynamo.hosts", String.join(",", cluster.binaryAddresses()));
        for (int i = 0; i < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return p;
    }

    private static DynamoDB open(Properties p) throws DBException {
        DynamoDB db = new DynamoDB();
        db.setProperties(p);
        db.init();
        return db;
    }

    private static Map<String, ByteIterator> record(String... fieldsAndValues) {
        Map<String, ByteIterator> r = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            r.put(fieldsAndValues[i], new ByteArrayByteIterator(fieldsAndValues[i + 1].getBytes(StandardCharsets.UTF_8)));
        }
        return r;
    }

    private static Map<String, String> strings(Map<String, ByteIterator> r) {
        Map<String, String> out = new TreeMap<>();
        r.forEach((k, v) -> out.put(k, new String(v.toArray(), StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void insertReadUpdateDeleteKeepTheRecordsFields() throws Exception {
        DynamoDB db = open(properties());
        try {
            assertEquals(Status.OK, db.insert(TABLE, "user1", record("field0", "a", "field1", "b", "field2", "c")));

            Map<String, ByteIterator> all = new HashMap<>();
            assertEquals(Status.OK, db.read(TABLE, "user1", null, all));
            assertEquals(Map.of("field0", "a", "field1", "b", "field2", "c"), strings(all));

            Map<String, ByteIterator> some = new HashMap<>();
            assertEquals(Status.OK, db.read(TABLE, "user1", Set.of("field1"), some));
            assertEquals(Map.of("field1", "b"), strings(some));

            // YCSB updates one field: the others must survive (read-modify-write with the context)
            assertEquals(Status.OK, db.update(TABLE, "user1", record("field1", "B")));
            Map<String, ByteIterator> after = new HashMap<>();
            assertEquals(Status.OK, db.read(TABLE, "user1", null, after));
            assertEquals(Map.of("field0", "a", "field1", "B", "field2", "c"), strings(after));

            assertEquals(Status.OK, db.delete(TABLE, "user1"));
            assertEquals(Status.NOT_FOUND, db.read(TABLE, "user1", null, new HashMap<>()));
            assertEquals(Status.NOT_FOUND, db.update(TABLE, "user1", record("field1", "x")));
            assertEquals(Status.NOT_FOUND, db.read(TABLE, "never-written", null, new HashMap<>()));
        } finally {
            db.cleanup();
        }
    }

    @Test
    void scanIsNotImplementedAndUnknownTableIsAnError() throws Exception {
        DynamoDB db = open(properties());
        try {
            assertEquals(Status.NOT_IMPLEMENTED, db.scan(TABLE, "user1", 10, null, new Vector<>()));
            Status s = db.insert("no_such_table", "k", record("field0", "v"));
            assertEquals("ERROR_UNKNOWN_TABLE", s.getName(), s.toString());
        } finally {
            db.cleanup();
        }
    }

    @Test
    void dynamoTableOverridesYcsbsTable() throws Exception {
        DynamoDB db = open(properties("dynamo.table", TABLE));
        try {
            assertEquals(Status.OK, db.insert("whatever", "user-t", record("field0", "v")));
            Map<String, ByteIterator> r = new HashMap<>();
            assertEquals(Status.OK, db.read("something-else", "user-t", null, r));
            assertEquals(Map.of("field0", "v"), strings(r));
        } finally {
            db.cleanup();
        }
    }

    @Test
    void blindUpdatesReplaceTheRecordAndNeedWriteAllFields() throws Exception {
        DBException refused = assertThrows(DBException.class, () -> open(properties("dynamo.update", "blind")));
        assertTrue(refused.getMessage().contains("writeallfields"), refused.getMessage());

        DynamoDB db = open(properties("dynamo.update", "blind", "writeallfields", "true"));
        try {
            assertEquals(Status.OK, db.insert(TABLE, "user-b", record("field0", "a", "field1", "b")));
            assertEquals(Status.OK, db.update(TABLE, "user-b", record("field0", "x", "field1", "y")));
            Map<String, ByteIterator> r = new HashMap<>();
            assertEquals(Status.OK, db.read(TABLE, "user-b", null, r));
            assertEquals(Map.of("field0", "x", "field1", "y"), strings(r));
        } finally {
            db.cleanup();
        }
    }

    @Test
    void badPropertiesFailInitNamingTheProperty() {
        DBException e = assertThrows(DBException.class, () -> open(properties("dynamo.routing", "random")));
        assertTrue(e.getMessage().contains("dynamo.routing"), e.getMessage());
        DBException r = assertThrows(DBException.class, () -> open(properties("dynamo.r", "two")));
        assertTrue(r.getMessage().contains("dynamo.r"), r.getMessage());
        DBException tls = assertThrows(DBException.class, () -> open(properties("dynamo.tls.cert", "app.pem")));
        assertTrue(tls.getMessage().contains("dynamo.tls.cert set but not all of"), tls.getMessage());
        DBException missing = assertThrows(DBException.class, () -> open(properties("dynamo.tls.cert", "nope.pem",
                "dynamo.tls.key", "nope-key.pem", "dynamo.tls.ca", "nope-ca.pem")));
        assertTrue(missing.getMessage().contains("nope-ca.pem"), missing.getMessage());
    }

    @Test
    void anyNodeRoutingSpreadsRequestsOverEveryNode() throws Exception {
        Map<String, Long> before = COORDINATED.byNode();
        DynamoDB db = open(properties("dynamo.routing", "any"));
        try {
            for (int i = 0; i < 30; i++) {
                assertEquals(Status.OK, db.insert(TABLE, "any" + i, record("field0", "v" + i)));
            }
            for (int i = 0; i < 30; i++) {
                Map<String, ByteIterator> r = new HashMap<>();
                assertEquals(Status.OK, db.read(TABLE, "any" + i, null, r));
                assertEquals(Map.of("field0", "v" + i), strings(r));
            }
        } finally {
            db.cleanup();
        }
        Map<String, Long> after = COORDINATED.byNode();
        for (String node : after.keySet()) {
            assertTrue(after.get(node) - before.get(node) >= 10, "node " + node + " got its turn: " + before + " -> " + after);
        }
    }

    @Test
    void ycsbCoreWorkloadALoadsAndRunsOnFourThreadsWithoutErrors() throws Exception {
        Properties p = properties("recordcount", "200", "operationcount", "400", "fieldcount", "10",
                "fieldlength", "100", "readproportion", "0.5", "updateproportion", "0.5", "scanproportion", "0",
                "insertproportion", "0", "requestdistribution", "zipfian", "readallfields", "true", "insertorder", "ordered");
        // YCSB's measurements are its own process-wide singleton; site.ycsb.Client sets them up the same way
        Measurements.setProperties(p);
        CoreWorkload workload = new CoreWorkload();
        workload.init(p);
        Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // load: each thread inserts its share, as site.ycsb.Client -load does
            runPhase(pool, threads, p, workload, statuses, 200, true);
            assertEquals(Map.of("OK", 200L), counts(statuses));
            statuses.clear();
            runPhase(pool, threads, p, workload, statuses, 400, false);
            Map<String, Long> counts = counts(statuses);
            assertEquals(Map.of("OK", 400L), counts, "every read and update succeeds");
        } finally {
            pool.shutdownNow();
            workload.cleanup();
        }
        // every loaded record is still whole: ten fields of 100 bytes
        DynamoDB db = open(properties());
        try {
            for (int i = 0; i < 200; i += 37) {
                Map<String, ByteIterator> r = new HashMap<>();
                assertEquals(Status.OK, db.read(TABLE, "user" + i, null, r), "key " + i);
                assertEquals(10, r.size());
                for (ByteIterator v : r.values()) {
                    assertEquals(100, v.toArray().length);
                }
            }
        } finally {
            db.cleanup();
        }
    }

    private static void runPhase(ExecutorService pool, int threads, Properties p, CoreWorkload workload,
                                 Map<String, LongAdder> statuses, int operations, boolean load) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            done.add(pool.submit(() -> {
                CountingDB db = new CountingDB(statuses);
                db.setProperties(p);
                db.init();
                try {
                    Object state = workload.initThread(p, id, threads);
                    for (int i = id; i < operations; i += threads) {
                        assertTrue(load ? workload.doInsert(db, state) : workload.doTransaction(db, state));
                    }
                } finally {
                    db.cleanup();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Long> counts(Map<String, LongAdder> statuses) {
        Map<String, Long> out = new TreeMap<>();
        statuses.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The binding, counting the statuses it returns (YCSB's workload only reports them to its measurements). */
    private static final class CountingDB extends DB {
        private final DynamoDB inner = new DynamoDB();
        private final Map<String, LongAdder> statuses;

        CountingDB(Map<String, LongAdder> statuses) {
            this.statuses = statuses;
        }

        private Status count(Status s) {
            statuses.computeIfAbsent(s.getName(), k -> new LongAdder()).increment();
            return s;
        }

        @Override
        public void init() throws DBException {
            inner.setProperties(getProperties());
            inner.init();
        }

        @Override
        public void cleanup() throws DBException {
            inner.cleanup();
        }

        @Override
        public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
            return count(inner.read(table, key, fields, result));
        }

        @Override
        public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                           Vector<HashMap<String, ByteIterator>> result) {
            return count(inner.scan(table, startkey, recordcount, fields, result));
        }

        @Override
        public Status update(String table, String key, Map<String, ByteIterator> values) {
            return count(inner.update(table, key, values));
        }

        @Override
        public Status insert(String table, String key, Map<String, ByteIterator> values) {
            return count(inner.insert(table, key, values));
        }

        @Override
        public Status delete(String table, String key) {
            return count(inner.delete(table, key));
        }
    }
}
