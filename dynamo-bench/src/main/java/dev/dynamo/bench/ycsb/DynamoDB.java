package dev.dynamo.bench.ycsb;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.Versioned;
import dev.dynamo.client.DynamoClusterClient;
import dev.dynamo.security.tls.TlsFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * The YCSB binding: a {@link DB} over the store's Java client. A YCSB record (a map of
 * field names to bytes) is stored as one value, encoded by {@link RecordCodec}; the YCSB
 * key is the store's key (UTF-8).
 *
 * <p><b>Operations.</b>
 * <ul>
 * <li>{@code read}: a get; a missing key is {@code NOT_FOUND}. Should the table keep
 *     siblings, the newest one (by timestamp) is the record.</li>
 * <li>{@code insert}: a blind put (empty context): YCSB inserts each key once.</li>
 * <li>{@code update}: by default ({@code dynamo.update=rmw}) a read-modify-write: get the
 *     record, replace the given fields, put it back <em>with the context of the get</em>.
 *     YCSB's update writes one field of ten (unless {@code writeallfields=true}); since the
 *     store keeps one opaque value per key, a blind put of that field alone would drop the
 *     other nine, and a put without the context would leave siblings for the reconciler
 *     instead of one successor. So an update costs a get plus a put, which the numbers
 *     show. {@code dynamo.update=blind} skips the get and puts the given fields as the whole
 *     record (empty context, last writer wins); it is only correct with
 *     {@code writeallfields=true}, and {@link #init()} refuses it otherwise.</li>
 * <li>{@code delete}: get for the context, then a delete with it (a tombstone that
 *     supersedes what was read).</li>
 * <li>{@code scan}: {@link Status#NOT_IMPLEMENTED}. Keys are placed by a hash of the key
 *     (consistent hashing, as in the paper), so the store has no key order to scan in;
 *     workload E reports scans as not supported.</li>
 * </ul>
 *
 * <p><b>Properties</b> (all optional):
 * <table>
 * <caption>binding properties</caption>
 * <tr><td>{@code dynamo.hosts}</td><td>comma-separated binary addresses (host:port) of
 *     nodes to learn the ring from; default {@code 127.0.0.1:7081}</td></tr>
 * <tr><td>{@code dynamo.table}</td><td>the store's table; default YCSB's table
 *     ({@code usertable})</td></tr>
 * <tr><td>{@code dynamo.update}</td><td>{@code rmw} (default) or {@code blind}, above</td></tr>
 * <tr><td>{@code dynamo.routing}</td><td>{@code client} (default): the partition-aware client
 *     sends each request to the key's coordinator (client-driven coordination);
 *     {@code any}: each request goes to the next node of {@code dynamo.hosts} in turn, which
 *     coordinates it or forwards it, as behind a load balancer (server-driven)</td></tr>
 * <tr><td>{@code dynamo.r}, {@code dynamo.w}</td><td>per-request quorum overrides; default the
 *     table's</td></tr>
 * <tr><td>{@code dynamo.timeout.ms}</td><td>the client's wait for one node's answer; default
 *     5000</td></tr>
 * <tr><td>{@code dynamo.connections}</td><td>connections per node; default the
 *     transport's</td></tr>
 * <tr><td>{@code dynamo.tls.cert}, {@code dynamo.tls.key}, {@code dynamo.tls.ca}</td><td>all
 *     three or none: a cluster with mutual TLS on its binary port; the client certificate
 *     ({@code OU=client}), its PEM key and the cluster CA (docs/security.md)</td></tr>
 * </table>
 *
 * <p>YCSB makes one instance per client thread; they share one client (see
 * {@link SharedResource}), opened by the first {@code init()} and closed by the last
 * {@code cleanup()}.
 *
 * <pre>
 * java -cp 'dynamo-bench/target/dynamo-bench-0.1.0-SNAPSHOT.jar:dynamo-bench/target/lib/*' site.ycsb.Client -t \
 *     -db dev.dynamo.bench.ycsb.DynamoDB -P bench/workloads/workloada \
 *     -p dynamo.hosts=127.0.0.1:7081,127.0.0.1:7082 -p dynamo.table=usertable -threads 16
 * </pre>
 */
public final class DynamoDB extends DB {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDB.class);

    /** Name of the shared client in YCSB's properties. */
    static final String SHARED_CLIENT = "dynamo.client";

    private SharedResource<DynamoClient> shared;
    private DynamoClient client;
    private String tableOverride;
    private boolean blindUpdates;
    private RequestOptions readOptions;
    private RequestOptions writeOptions;
    /** Errors this instance logged so far; see {@link #failed}. */
    private int errorsLogged;
    private static final int ERRORS_LOGGED_PER_THREAD = 3;

    @Override
    public void init() throws DBException {
        Properties p = getProperties();
        try {
            Settings s = Settings.parse(p);
            tableOverride = s.table();
            blindUpdates = s.blindUpdates();
            readOptions = s.r() > 0 ? RequestOptions.DEFAULT.withR(s.r()) : RequestOptions.DEFAULT;
            writeOptions = s.w() > 0 ? RequestOptions.DEFAULT.withW(s.w()) : RequestOptions.DEFAULT;
            shared = SharedResource.acquire(p, SHARED_CLIENT, () -> open(s));
            client = shared.get();
        } catch (IllegalArgumentException e) {
            throw new DBException("dynamo binding: " + e.getMessage(), e);
        }
    }

    private static DynamoClient open(Settings s) {
        LOG.info("dynamo binding: hosts {}, routing {}, update {}", s.hosts(), s.anyNode() ? "any" : "client",
                s.blindUpdates() ? "blind" : "rmw");
        Map<String, String> transport = new HashMap<>();
        if (s.connections() > 0) {
            transport.put("connections-per-peer", String.valueOf(s.connections()));
        }
        if (s.anyNode()) {
            return new AnyNodeClient(s.hosts(), Duration.ofMillis(s.timeoutMillis()), transport, s.tls());
        }
        DynamoClusterClient.Builder b = DynamoClusterClient.builder().seeds(s.hosts())
                .requestTimeout(Duration.ofMillis(s.timeoutMillis())).transportProperties(transport);
        if (s.tls() != null) {
            b.tls(s.tls().certificate(), s.tls().privateKey(), s.tls().ca());
        }
        return b.build();
    }

    @Override
    public void cleanup() throws DBException {
        if (shared == null) {
            return;
        }
        try {
            shared.release();
        } catch (Exception e) {
            throw new DBException("dynamo binding: closing the client failed: " + e.getMessage(), e);
        } finally {
            shared = null;
            client = null;
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            GetResult r = client.get(table(table), key(key), readOptions);
            if (!r.isFound()) {
                return Status.NOT_FOUND;
            }
            Map<String, byte[]> record = RecordCodec.decode(newest(r.siblings()).value());
            for (Map.Entry<String, byte[]> e : record.entrySet()) {
                if (fields == null || fields.contains(e.getKey())) {
                    result.put(e.getKey(), new ByteArrayByteIterator(e.getValue()));
                }
            }
            return Status.OK;
        } catch (DynamoException e) {
            return failed("read", key, e);
        } catch (IllegalArgumentException e) {
            LOG.warn("read {}: the stored value is not a YCSB record: {}", key, e.getMessage());
            return Status.UNEXPECTED_STATE;
        }
    }

    @Override
    public Status scan(String table, String startKey, int recordCount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        // keys are placed by hash (consistent hashing): there is no key order to scan in
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        String t = table(table);
        byte[] k = key(key);
        try {
            if (blindUpdates) {
                client.put(t, k, Context.EMPTY, RecordCodec.encode(bytes(values)), writeOptions);
                return Status.OK;
            }
            GetResult r = client.get(t, k, readOptions);
            if (!r.isFound()) {
                return Status.NOT_FOUND;
            }
            Map<String, byte[]> record = RecordCodec.decode(newest(r.siblings()).value());
            record.putAll(bytes(values));
            client.put(t, k, r.context(), RecordCodec.encode(record), writeOptions);
            return Status.OK;
        } catch (DynamoException e) {
            return failed("update", key, e);
        } catch (IllegalArgumentException e) {
            LOG.warn("update {}: the stored value is not a YCSB record: {}", key, e.getMessage());
            return Status.UNEXPECTED_STATE;
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            client.put(table(table), key(key), Context.EMPTY, RecordCodec.encode(bytes(values)), writeOptions);
            return Status.OK;
        } catch (DynamoException e) {
            return failed("insert", key, e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        String t = table(table);
        byte[] k = key(key);
        try {
            GetResult r = client.get(t, k, readOptions);
            if (!r.isFound()) {
                return Status.NOT_FOUND;
            }
            client.delete(t, k, r.context(), writeOptions);
            return Status.OK;
        } catch (DynamoException e) {
            return failed("delete", key, e);
        }
    }

    private String table(String ycsbTable) {
        return tableOverride != null ? tableOverride : ycsbTable;
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> bytes(Map<String, ByteIterator> values) {
        Map<String, byte[]> out = new LinkedHashMap<>(values.size() * 2);
        for (Map.Entry<String, ByteIterator> e : values.entrySet()) {
            out.put(e.getKey(), e.getValue().toArray());
        }
        return out;
    }

    private static Versioned newest(List<Versioned> siblings) {
        Versioned best = siblings.get(0);
        for (Versioned v : siblings) {
            if (v.timestamp() > best.timestamp()) {
                best = v;
            }
        }
        return best;
    }

    /**
     * The status YCSB counts: {@code ERROR_<CODE>} with the store's error code (docs/http-api.md), e.g.
     * {@code ERROR_TIMEOUT}, {@code ERROR_INSUFFICIENT_REPLICAS}. Each instance (one per YCSB
     * thread) also logs its first few errors with their message, so a run's log says why.
     */
    private Status failed(String op, String key, DynamoException e) {
        if (errorsLogged < ERRORS_LOGGED_PER_THREAD) {
            errorsLogged++;
            LOG.warn("{} {} failed: {} ({})", op, key, e.getMessage(), e.code());
        }
        return new Status("ERROR_" + e.code().toUpperCase(Locale.ROOT), e.getMessage());
    }

    /** The binding's properties, parsed once at {@link #init()}; {@code tls} null: plaintext. */
    record Settings(List<String> hosts, String table, boolean blindUpdates, boolean anyNode, int r, int w,
                    long timeoutMillis, int connections, TlsFiles tls) {

        static Settings parse(Properties p) {
            List<String> hosts = Arrays.stream(p.getProperty("dynamo.hosts", "127.0.0.1:7081").split(","))
                    .map(String::trim).filter(h -> !h.isEmpty()).toList();
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("dynamo.hosts is empty; give host:port of at least one node");
            }
            String table = p.getProperty("dynamo.table");
            String update = p.getProperty("dynamo.update", "rmw").trim();
            if (!update.equals("rmw") && !update.equals("blind")) {
                throw new IllegalArgumentException("dynamo.update = '" + update + "': use rmw or blind");
            }
            boolean blind = update.equals("blind");
            if (blind && !Boolean.parseBoolean(p.getProperty("writeallfields", "false"))) {
                throw new IllegalArgumentException("dynamo.update = blind needs writeallfields=true: a blind put of"
                        + " the updated fields alone would drop the record's other fields");
            }
            String routing = p.getProperty("dynamo.routing", "client").trim();
            if (!routing.equals("client") && !routing.equals("any")) {
                throw new IllegalArgumentException("dynamo.routing = '" + routing + "': use client or any");
            }
            return new Settings(hosts, table == null || table.isBlank() ? null : table.trim(), blind,
                    routing.equals("any"), integer(p, "dynamo.r", 0), integer(p, "dynamo.w", 0),
                    integer(p, "dynamo.timeout.ms", 5000), integer(p, "dynamo.connections", 0), tls(p));
        }

        /** {@code dynamo.tls.cert}, {@code .key}, {@code .ca}: all three or none. */
        private static TlsFiles tls(Properties p) {
            List<String> keys = List.of("dynamo.tls.cert", "dynamo.tls.key", "dynamo.tls.ca");
            List<String> set = keys.stream().filter(k -> !p.getProperty(k, "").isBlank()).toList();
            if (set.isEmpty()) {
                return null;
            }
            if (set.size() < keys.size()) {
                throw new IllegalArgumentException(String.join(", ", set) + " set but not all of " + String.join(", ",
                        keys) + ": TLS needs the client certificate, its key and the cluster CA");
            }
            return new TlsFiles(Path.of(p.getProperty(keys.get(0)).trim()), Path.of(p.getProperty(keys.get(1)).trim()),
                    Path.of(p.getProperty(keys.get(2)).trim()));
        }

        private static int integer(Properties p, String name, int fallback) {
            String v = p.getProperty(name);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " = '" + v + "': must be a whole number >= 0", e);
            }
        }
    }
}
