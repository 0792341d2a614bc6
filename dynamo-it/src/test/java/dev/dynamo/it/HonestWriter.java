package dev.dynamo.it;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved client writing distinct keys through every node in turn while a test does
 * something to the cluster, remembering each write that was acknowledged (204), so the test
 * can check afterwards that none of them was lost. Bounded: stops after {@link #MAX_WRITES}
 * writes or when asked.
 */
final class HonestWriter implements AutoCloseable {
    static final int MAX_WRITES = 20_000;
    private static final long PAUSE_MILLIS = 20;

    private final ProcessCluster cluster;
    private final String table;
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    HonestWriter(ProcessCluster cluster, String table) {
        this.cluster = cluster;
        this.table = table;
        this.thread = new Thread(this::run, "honest-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        int nodes = cluster.nodes().size();
        for (int i = 0; i < MAX_WRITES && !stop; i++) {
            String key = "honest-" + i;
            String value = "value-" + i;
            try {
                HttpResponse<byte[]> r = cluster.put(1 + i % nodes, table, key, value);
                if (r.statusCode() == 204) {
                    acknowledged.put(key, value);
                }
            } catch (RuntimeException e) {
                // not acknowledged: the write may or may not have happened, and is not checked
            }
            ProcessCluster.sleep(PAUSE_MILLIS);
        }
    }

    void stopAndAwait() throws InterruptedException {
        stop = true;
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }

    /** Key to value of every write that was acknowledged. */
    Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    @Override
    public void close() throws InterruptedException {
        stopAndAwait();
    }
}
