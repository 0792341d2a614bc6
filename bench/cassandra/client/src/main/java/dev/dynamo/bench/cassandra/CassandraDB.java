package dev.dynamo.bench.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * A small YCSB binding for Apache Cassandra over the DataStax Java driver 4 (YCSB 0.17.0's
 * cassandra-binding is not on Maven Central). As YCSB's own binding does: one row per
 * record in {@code usertable(y_id text PRIMARY KEY, field0..fieldN blob)}, reads select the
 * row, inserts and updates write the given columns (an update is Cassandra's blind column
 * write: no read first), deletes delete the row; scans are not run by the suite.
 *
 * <p>Properties: {@code cassandra.hosts} (comma-separated host:port, default
 * 127.0.0.1:9042), {@code cassandra.datacenter} (default datacenter1),
 * {@code cassandra.consistency} (reads and writes, default QUORUM),
 * {@code cassandra.create=true} (create the keyspace {@code ycsb} with SimpleStrategy and
 * {@code cassandra.replication} replicas, default 3, and the table; the suite sets it for
 * the load). One session is shared by the run's instances: it is kept in YCSB's properties
 * object, which every instance of a run shares.
 */
public final class CassandraDB extends DB {
    private static final Object SESSION_KEY = new Object() {
        @Override
        public String toString() {
            return "cassandra.session";
        }
    };

    private Shared shared;

    /** The session and prepared statements of one run; guarded by the properties' lock for holders. */
    private static final class Shared {
        final CqlSession session;
        final ConsistencyLevel consistency;
        final Map<Set<String>, PreparedStatement> inserts = new ConcurrentHashMap<>();
        final PreparedStatement read;
        final PreparedStatement delete;
        int holders;

        Shared(CqlSession session, ConsistencyLevel consistency) {
            this.session = session;
            this.consistency = consistency;
            this.read = session.prepare("SELECT * FROM ycsb.usertable WHERE y_id = ?");
            this.delete = session.prepare("DELETE FROM ycsb.usertable WHERE y_id = ?");
        }
    }

    @Override
    public void init() throws DBException {
        Properties p = getProperties();
        synchronized (p) {
            Shared s = (Shared) p.get(SESSION_KEY);
            if (s == null) {
                s = open(p);
                p.put(SESSION_KEY, s);
            }
            s.holders++;
            shared = s;
        }
    }

    private static Shared open(Properties p) throws DBException {
        List<InetSocketAddress> contacts = new ArrayList<>();
        for (String h : p.getProperty("cassandra.hosts", "127.0.0.1:9042").split(",")) {
            String t = h.trim();
            int colon = t.lastIndexOf(':');
            contacts.add(new InetSocketAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1))));
        }
        ConsistencyLevel cl = switch (p.getProperty("cassandra.consistency", "QUORUM").toUpperCase()) {
            case "ONE" -> ConsistencyLevel.ONE;
            case "ALL" -> ConsistencyLevel.ALL;
            case "LOCAL_QUORUM" -> ConsistencyLevel.LOCAL_QUORUM;
            default -> ConsistencyLevel.QUORUM;
        };
        int fields = Integer.parseInt(p.getProperty("fieldcount", "10"));
        try {
            CqlSession session = CqlSession.builder()
                    .addContactPoints(contacts)
                    .withLocalDatacenter(p.getProperty("cassandra.datacenter", "datacenter1"))
                    .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                            .build())
                    .build();
            if (Boolean.parseBoolean(p.getProperty("cassandra.create", "false"))) {
                session.execute("CREATE KEYSPACE IF NOT EXISTS ycsb WITH replication = {'class': 'SimpleStrategy', "
                        + "'replication_factor': " + Integer.parseInt(p.getProperty("cassandra.replication", "3")) + "}");
                StringBuilder cols = new StringBuilder();
                for (int i = 0; i < fields; i++) {
                    cols.append(", field").append(i).append(" blob");
                }
                session.execute("CREATE TABLE IF NOT EXISTS ycsb.usertable (y_id text PRIMARY KEY" + cols + ")");
            }
            return new Shared(session, cl);
        } catch (RuntimeException e) {
            throw new DBException("cassandra binding: cannot connect to " + contacts + ": " + e, e);
        }
    }

    @Override
    public void cleanup() throws DBException {
        Properties p = getProperties();
        boolean last;
        synchronized (p) {
            last = --shared.holders == 0;
            if (last) {
                p.remove(SESSION_KEY);
            }
        }
        if (last) {
            shared.session.close();
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            Row row = shared.session.execute(shared.read.bind(key).setConsistencyLevel(shared.consistency)).one();
            if (row == null) {
                return Status.NOT_FOUND;
            }
            for (ColumnDefinition c : row.getColumnDefinitions()) {
                String name = c.getName().asInternal();
                if (name.equals("y_id") || (fields != null && !fields.contains(name))) {
                    continue;
                }
                ByteBuffer b = row.getByteBuffer(name);
                if (b != null) {
                    byte[] v = new byte[b.remaining()];
                    b.get(v);
                    result.put(name, new ByteArrayByteIterator(v));
                }
            }
            return Status.OK;
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        return insert(table, key, values);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            Set<String> names = new TreeSet<>(values.keySet());
            PreparedStatement ps = shared.inserts.computeIfAbsent(names, n -> {
                String cols = String.join(", ", n);
                String marks = "?" + ", ?".repeat(n.size());
                return shared.session.prepare("INSERT INTO ycsb.usertable (y_id, " + cols + ") VALUES (" + marks + ")");
            });
            BoundStatement b = ps.bind().setString(0, key);
            int i = 1;
            for (String n : names) {
                b = b.setByteBuffer(i++, ByteBuffer.wrap(values.get(n).toArray()));
            }
            shared.session.execute(b.setConsistencyLevel(shared.consistency));
            return Status.OK;
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            shared.session.execute(shared.delete.bind(key).setConsistencyLevel(shared.consistency));
            return Status.OK;
        } catch (RuntimeException e) {
            return Status.ERROR;
        }
    }
}
