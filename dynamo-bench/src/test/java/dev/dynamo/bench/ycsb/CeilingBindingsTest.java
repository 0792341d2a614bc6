package dev.dynamo.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.bench.echo.EchoClient;
import dev.dynamo.bench.echo.EchoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.measurements.Measurements;

/** The suite's limits: the Netty echo and the in-process engine, as YCSB drives them. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CeilingBindingsTest {
    @TempDir
    Path dir;

    private static Map<String, ByteIterator> record(int fields, int length) {
        Map<String, ByteIterator> r = new LinkedHashMap<>();
        for (int i = 0; i < fields; i++) {
            byte[] v = new byte[length];
            v[0] = (byte) i;
            r.put("field" + i, new ByteArrayByteIterator(v));
        }
        return r;
    }

    @Test
    void echoAnswersWithTheRequestedSizeAndTheBindingSendsRecordSizedMessages() throws Exception {
        try (EchoServer server = EchoServer.start("127.0.0.1", 0, 1);
             EchoClient client = EchoClient.connect("127.0.0.1", server.port(), 2, 1)) {
            assertEquals(1082, client.call(new byte[40], 1082).get(10, TimeUnit.SECONDS));
            assertEquals(0, client.call(new byte[2000], 0).get(10, TimeUnit.SECONDS));
            Properties p = new Properties();
            p.setProperty("echo.port", String.valueOf(server.port()));
            DB db = new EchoDB();
            db.setProperties(p);
            db.init();
            try {
                assertEquals(1082, EchoDB.recordBytes(10, 100));
                assertEquals(Status.OK, db.insert("usertable", "user1", record(10, 100)));
                assertEquals(Status.OK, db.update("usertable", "user1", record(1, 100)));
                assertEquals(Status.OK, db.read("usertable", "user1", null, new HashMap<>()));
            } finally {
                db.cleanup();
            }
        }
    }

    @Test
    void echoBindingWithoutAPortFailsInitSayingSo() {
        DB db = new EchoDB();
        db.setProperties(new Properties());
        DBException e = assertThrows(DBException.class, db::init);
        assertTrue(e.getMessage().contains("echo.port"), e.getMessage());
    }

    @Test
    void engineBindingKeepsRecordsInTheNamedEngine() throws Exception {
        for (String engine : new String[] {"memory", "mvstore"}) {
            Properties p = new Properties();
            p.setProperty("engine.name", engine);
            p.setProperty("engine.dir", dir.resolve(engine).toString());
            DB db = new EngineDB();
            db.setProperties(p);
            db.init();
            try {
                assertEquals(Status.OK, db.insert("usertable", "k", record(3, 10)));
                Map<String, ByteIterator> one = new LinkedHashMap<>();
                one.put("field1", new ByteArrayByteIterator("new".getBytes(StandardCharsets.UTF_8)));
                assertEquals(Status.OK, db.update("usertable", "k", one));
                Map<String, ByteIterator> read = new HashMap<>();
                assertEquals(Status.OK, db.read("usertable", "k", null, read));
                assertEquals(3, read.size(), engine);
                assertEquals("new", new String(read.get("field1").toArray(), StandardCharsets.UTF_8), engine);
                assertEquals(Status.NOT_FOUND, db.read("usertable", "other", null, new HashMap<>()), engine);
            } finally {
                db.cleanup();
            }
        }
    }

    @Test
    void suiteWorkloadPreloadsTheEngineAndWarmsUpBeforeTheRun() throws Exception {
        Properties p = new Properties();
        p.setProperty("engine.name", "memory");
        p.setProperty("suite.preload", "true");
        p.setProperty("suite.warmup.seconds", "0.2");
        p.setProperty("db", EngineDB.class.getName());
        p.setProperty("threadcount", "2");
        p.setProperty("recordcount", "300");
        p.setProperty("fieldcount", "10");
        p.setProperty("fieldlength", "100");
        p.setProperty("readproportion", "1");
        p.setProperty("updateproportion", "0");
        p.setProperty("insertorder", "ordered");
        Measurements.setProperties(p);
        SuiteWorkload workload = new SuiteWorkload();
        workload.init(p);
        try {
            // the run's binding instance sees the engine the workload filled
            DB db = new EngineDB();
            db.setProperties(p);
            db.init();
            try {
                Map<String, ByteIterator> r = new HashMap<>();
                assertEquals(Status.OK, db.read("usertable", "user299", null, r));
                assertEquals(10, r.size());
                assertEquals(100, r.get("field3").toArray().length);
                assertEquals(Status.NOT_FOUND, db.read("usertable", "user300", null, new HashMap<>()));
            } finally {
                db.cleanup();
            }
        } finally {
            workload.cleanup();
        }
    }
}
