package dev.dynamo.bench.ycsb;

import dev.dynamo.bench.echo.EchoClient;
import dev.dynamo.bench.echo.EchoServer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * The transport's ceiling as a YCSB binding: every operation exchanges with an
 * {@link EchoServer} the messages {@link DynamoDB} exchanges with a node, of the same sizes,
 * and nothing else happens on either side. A read sends the key and receives a record;
 * an insert sends a record and receives a context; an update does both, as the default
 * read-modify-write update of {@link DynamoDB} does ({@code dynamo.update=blind}: the write
 * alone). Sizes: a record as {@link RecordCodec} encodes YCSB's {@code fieldcount} fields
 * of {@code fieldlength} bytes, plus {@value #ENVELOPE_BYTES} bytes for the message's
 * table, version clock and context (three replicas' worth).
 *
 * <p>Properties: {@code echo.host} (default 127.0.0.1), {@code echo.port} (required),
 * {@code echo.connections} (default 2, the store client's connections per node),
 * {@code echo.io-threads} (default min(4, cores), as the store's client).
 *
 * <pre>
 * java -cp ... site.ycsb.Client -t -db dev.dynamo.bench.ycsb.EchoDB -P bench/workloads/workloadc -p echo.port=7500
 * </pre>
 */
public final class EchoDB extends DB {
    private static final Logger LOG = LoggerFactory.getLogger(EchoDB.class);
    /** Table name, vector clock and context of a 3-replica value: what a Put/GetResult adds to a record. */
    static final int ENVELOPE_BYTES = 64;
    private static final long TIMEOUT_SECONDS = 30;

    private SharedResource<EchoClient> shared;
    private EchoClient client;
    private int recordBytes;
    private boolean blindUpdates;

    @Override
    public void init() throws DBException {
        Properties p = getProperties();
        String port = p.getProperty("echo.port");
        if (port == null) {
            throw new DBException("echo binding: set echo.port to the EchoServer's port");
        }
        String host = p.getProperty("echo.host", "127.0.0.1");
        int connections = Integer.parseInt(p.getProperty("echo.connections", "2"));
        int io = Integer.parseInt(p.getProperty("echo.io-threads",
                String.valueOf(Math.min(4, Runtime.getRuntime().availableProcessors()))));
        blindUpdates = "blind".equals(p.getProperty("dynamo.update", "rmw").trim());
        recordBytes = recordBytes(Integer.parseInt(p.getProperty("fieldcount", "10")),
                Integer.parseInt(p.getProperty("fieldlength", "100")));
        try {
            shared = SharedResource.acquire(p, "echo.client", () -> EchoClient.connect(host, Integer.parseInt(port),
                    connections, io));
        } catch (RuntimeException e) {
            throw new DBException("echo binding: cannot connect to " + host + ":" + port + ": " + e, e);
        }
        client = shared.get();
    }

    /** Size of an encoded record of {@code fields} fields named field0.. of {@code length} bytes. */
    static int recordBytes(int fields, int length) {
        Map<String, byte[]> r = new LinkedHashMap<>();
        for (int i = 0; i < fields; i++) {
            r.put("field" + i, new byte[length]);
        }
        return RecordCodec.encode(r).length;
    }

    @Override
    public void cleanup() throws DBException {
        if (shared != null) {
            try {
                shared.release();
            } catch (Exception e) {
                throw new DBException("echo binding: closing failed: " + e, e);
            } finally {
                shared = null;
            }
        }
    }

    private Status exchange(byte[] payload, int answerBytes) {
        try {
            int got = client.call(payload, answerBytes).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return got == answerBytes ? Status.OK : Status.UNEXPECTED_STATE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.ERROR;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("echo failed", e);
            return Status.ERROR;
        }
    }

    private static byte[] keyMessage(String table, String key) {
        return (table + key).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] writeMessage(String table, String key, Map<String, ByteIterator> values) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        values.forEach((k, v) -> fields.put(k, v.toArray()));
        byte[] record = RecordCodec.encode(fields);
        byte[] k = keyMessage(table, key);
        // a whole record goes over the wire whatever YCSB updated (the binding writes whole records)
        byte[] out = new byte[k.length + Math.max(record.length, recordBytes) + ENVELOPE_BYTES];
        System.arraycopy(k, 0, out, 0, k.length);
        return out;
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        Status s = exchange(keyMessage(table, key), recordBytes + ENVELOPE_BYTES);
        if (s.isOk()) {
            result.put("field0", new ByteArrayByteIterator(new byte[0]));
        }
        return s;
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        if (!blindUpdates) {
            Status read = exchange(keyMessage(table, key), recordBytes + ENVELOPE_BYTES);
            if (!read.isOk()) {
                return read;
            }
        }
        return exchange(writeMessage(table, key, values), ENVELOPE_BYTES);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        return exchange(writeMessage(table, key, values), ENVELOPE_BYTES);
    }

    @Override
    public Status delete(String table, String key) {
        return exchange(keyMessage(table, key), ENVELOPE_BYTES);
    }
}
