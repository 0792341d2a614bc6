package dev.dynamo.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.spi.Partitioner;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.table.TableConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against three real nodes on loopback (N=3, R=2, W=2). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DynamoClusterClientTest {
    private static final String TABLE = "t";
    private static final String SMALL = "small";
    /** For the load test: deadlines far above what a busy build machine needs for 2000 puts. */
    private static final String LOAD = "load";
    private static final int SMALL_MAX = 1024;
    private static final int Q = 12;
    private static final Partitioner MD5 = Plugins.partitioner("md5");

    @TempDir
    Path dir;

    private LoopbackCluster cluster;
    private final List<DynamoClusterClient> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = LoopbackCluster.start(3, Q, dir,
                TableConfig.of(TABLE, 3, 2, 2, "memory", "test-keep-all"),
                TableConfig.of(SMALL, 3, 2, 2, "memory", "test-keep-all").withMaxValueBytes(SMALL_MAX),
                TableConfig.of(LOAD, 3, 2, 2, "memory", "test-keep-all").withTimeoutMillis(30_000));
    }

    @AfterEach
    void stopCluster() {
        clients.forEach(DynamoClusterClient::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private DynamoClusterClient client() {
        return client(Duration.ofMinutes(10));
    }

    private DynamoClusterClient client(Duration ringRefresh) {
        return client(ringRefresh, Duration.ofSeconds(5));
    }

    private DynamoClusterClient client(Duration ringRefresh, Duration requestTimeout) {
        DynamoClusterClient c = DynamoClusterClient.builder().seeds(cluster.seeds())
                .requestTimeout(requestTimeout).ringRefreshInterval(ringRefresh).build();
        clients.add(c);
        return c;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The node that should coordinate {@code key} under {@code ring}, computed without the client. */
    private static String firstNode(Ring ring, byte[] key) {
        return ring.preferenceList(ring.partitionOf(key, MD5), 3).get(0);
    }

    /** Keys of the test whose preference list under the current ring starts with {@code node}. */
    private List<byte[]> keysCoordinatedBy(String node, int count) {
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 10_000 && keys.size() < count; i++) {
            byte[] key = bytes("key-" + node + "-" + i);
            if (firstNode(cluster.ring(), key).equals(node)) {
                keys.add(key);
            }
        }
        assertEquals(count, keys.size(), "test needs keys coordinated by " + node);
        return keys;
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    // ---------------------------------------------------------------- basics

    @Test
    void putGetDeleteRoundTrip() {
        DynamoClusterClient client = client();
        byte[] key = bytes("cart-1");

        assertFalse(client.get(TABLE, key).isFound(), "nothing stored yet");
        Context c1 = client.put(TABLE, key, Context.EMPTY, bytes("one"));
        assertEquals("one", text(client.get(TABLE, key).value()));

        GetResult read = client.get(TABLE, key);
        Context c2 = client.put(TABLE, key, read.context(), bytes("two"));
        GetResult after = client.get(TABLE, key);
        assertEquals(1, after.siblings().size(), "the put with the read context supersedes 'one'");
        assertEquals("two", text(after.value()));
        assertNotEquals(c1, c2);

        client.delete(TABLE, key, after.context());
        assertFalse(client.get(TABLE, key).isFound(), "deleted");
    }

    @Test
    void blindWritesBecomeSiblingsThatTheNextWriteMerges() {
        DynamoClusterClient client = client();
        byte[] key = bytes("cart-2");
        client.put(TABLE, key, Context.EMPTY, bytes("a"));
        client.put(TABLE, key, Context.EMPTY, bytes("b"));

        GetResult both = client.get(TABLE, key);
        Set<String> values = new HashSet<>();
        for (Versioned v : both.siblings()) {
            values.add(text(v.value()));
        }
        assertEquals(Set.of("a", "b"), values, "keep-all reconciler returns both concurrent writes");

        client.put(TABLE, key, both.context(), bytes("merged"));
        assertEquals("merged", text(client.get(TABLE, key).value()));
    }

    @Test
    void asyncApiCompletesWithTheSameResults() throws Exception {
        DynamoClusterClient client = client();
        byte[] key = bytes("async-1");
        Context c = client.putAsync(TABLE, key, Context.EMPTY, bytes("v")).get(10, TimeUnit.SECONDS);
        GetResult r = client.getAsync(TABLE, key).get(10, TimeUnit.SECONDS);
        assertEquals("v", text(r.value()));
        assertFalse(c.isEmpty());
        assertFalse(r.context().isEmpty());
        client.deleteAsync(TABLE, key, r.context()).get(10, TimeUnit.SECONDS);
        assertFalse(client.getAsync(TABLE, key).get(10, TimeUnit.SECONDS).isFound());
    }

    @Test
    void theKeyArrayMayBeReusedOnceACallReturns() throws Exception {
        DynamoClusterClient client = client();
        byte[] key = bytes("reused-1");
        CompletableFuture<Context> f = client.putAsync(TABLE, key, Context.EMPTY, bytes("v"));
        key[key.length - 1] = '2';
        f.get(10, TimeUnit.SECONDS);
        assertEquals("v", text(client.get(TABLE, bytes("reused-1")).value()));
        assertFalse(client.get(TABLE, bytes("reused-2")).isFound());
    }

    // ---------------------------------------------------------------- routing

    @Test
    void requestsGoToTheFirstNodeOfThePreferenceList() {
        DynamoClusterClient client = client();
        Map<String, Long> expected = new HashMap<>();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            byte[] key = bytes("routed-" + i);
            keys.add(key);
            String first = firstNode(cluster.ring(), key);
            expected.merge(first, 2L, Long::sum); // one put and one get each
            assertEquals(cluster.ring().preferenceList(cluster.ring().partitionOf(key, MD5), 3),
                    client.preferenceList(TABLE, key));
        }
        assertEquals(3, expected.size(), "every node is first for some key");

        Map<String, Long> before = cluster.coordinatedByNode();
        for (byte[] key : keys) {
            client.put(TABLE, key, Context.EMPTY, key);
            assertArrayEquals(key, client.get(TABLE, key).value());
        }
        Map<String, Long> after = cluster.coordinatedByNode();
        for (String node : List.of("n1", "n2", "n3")) {
            assertEquals(expected.getOrDefault(node, 0L), after.get(node) - before.get(node),
                    "requests coordinated by " + node);
        }
    }

    @Test
    void fallsBackToTheNextReplicaWhenTheFirstIsDown() {
        DynamoClusterClient client = client();
        List<byte[]> n1Keys = keysCoordinatedBy("n1", 10);
        List<byte[]> n2Keys = keysCoordinatedBy("n2", 5);
        for (byte[] key : n1Keys) {
            client.put(TABLE, key, Context.EMPTY, bytes("before"));
        }

        cluster.stop("n1");

        for (byte[] key : n1Keys) {
            GetResult r = client.get(TABLE, key);
            assertEquals("before", text(r.value()), "written before n1 stopped, read from n2 and n3");
            client.put(TABLE, key, r.context(), bytes("after"));
            assertEquals("after", text(client.get(TABLE, key).value()));
        }
        for (byte[] key : n2Keys) {
            client.put(TABLE, key, Context.EMPTY, bytes("v"));
            assertEquals("v", text(client.get(TABLE, key).value()));
        }
    }

    @Test
    void withTwoNodesDownTheSurvivingCoordinatorReportsTheMissingAcknowledgement() {
        DynamoClusterClient client = client();
        List<byte[]> keys = new ArrayList<>();
        keys.addAll(keysCoordinatedBy("n1", 3));
        keys.addAll(keysCoordinatedBy("n2", 3));
        keys.addAll(keysCoordinatedBy("n3", 3));

        cluster.stop("n2");
        cluster.stop("n3");

        // Whether the key's first node is n1 or a stopped one (then the client falls back to
        // n1), n1 coordinates: it stores the write itself and cannot get a second ack, so the
        // error is the coordinator's (required 2, acknowledged 1), not the client's own
        // "unreachable" (acknowledged 0), which needs every replica of the key to be down.
        for (byte[] key : keys) {
            InsufficientReplicasException put = assertThrows(InsufficientReplicasException.class,
                    () -> client.put(TABLE, key, Context.EMPTY, bytes("v")));
            assertEquals(2, put.required());
            assertEquals(1, put.acknowledged());
            assertEquals("insufficient_replicas", put.code());

            InsufficientReplicasException get = assertThrows(InsufficientReplicasException.class,
                    () -> client.get(TABLE, key));
            assertEquals(2, get.required());
            // n1's own read counts, but the core may count the two refused sends first and
            // report 0 (the local read answers after them when n1 is not first in the list)
            assertTrue(get.acknowledged() <= 1, "acknowledged " + get.acknowledged());
        }

        // the per-request quorum overrides reach the coordinator
        byte[] key = keys.get(keys.size() - 1);
        Context c = client.put(TABLE, key, Context.EMPTY, bytes("w1"), RequestOptions.DEFAULT.withW(1));
        GetResult r = client.get(TABLE, key, RequestOptions.DEFAULT.withR(1));
        assertTrue(r.isFound(), "the w=1 write is readable with r=1");
        assertTrue(r.siblings().stream().anyMatch(v -> text(v.value()).equals("w1")));
        assertFalse(c.isEmpty());
    }

    @Test
    void withEveryReplicaDownTheClientReportsThatNoneCouldBeReached() {
        DynamoClusterClient client = client();
        byte[] key = bytes("k");
        client.put(TABLE, key, Context.EMPTY, bytes("v"));

        cluster.stop("n1");
        cluster.stop("n2");
        cluster.stop("n3");

        InsufficientReplicasException put = assertThrows(InsufficientReplicasException.class,
                () -> client.put(TABLE, key, Context.EMPTY, bytes("v"), RequestOptions.DEFAULT.withW(2)));
        assertEquals(2, put.required(), "the request's w");
        assertEquals(0, put.acknowledged());
        assertTrue(put.getMessage().contains("no replica of the key could be reached"), put.getMessage());

        InsufficientReplicasException get = assertThrows(InsufficientReplicasException.class,
                () -> client.get(TABLE, key));
        assertEquals(1, get.required(), "r not given: the client does not know the table's r");
        assertEquals(0, get.acknowledged());
    }

    // ---------------------------------------------------------------- typed errors

    @Test
    void anUnknownTableFailsWithoutARoundTrip() {
        DynamoClusterClient client = client();
        client.put(TABLE, bytes("warm-up"), Context.EMPTY, bytes("v")); // the ring is known
        long before = total(cluster.coordinatedByNode());

        UnknownTableException e = assertThrows(UnknownTableException.class,
                () -> client.get("nope", bytes("k")));
        assertEquals("nope", e.table());
        assertEquals("unknown_table", e.code());
        assertThrows(UnknownTableException.class, () -> client.put("nope", bytes("k"), Context.EMPTY, bytes("v")));
        assertThrows(UnknownTableException.class, () -> client.delete("nope", bytes("k"), Context.EMPTY));

        assertEquals(before, total(cluster.coordinatedByNode()), "no node saw the requests");
    }

    @Test
    void aValueOverTheTableLimitFailsWithValueTooLargeAndIsNotRetried() {
        DynamoClusterClient client = client();
        client.put(SMALL, bytes("warm-up"), Context.EMPTY, new byte[SMALL_MAX]);
        long before = total(cluster.coordinatedByNode());

        ValueTooLargeException e = assertThrows(ValueTooLargeException.class,
                () -> client.put(SMALL, bytes("big"), Context.EMPTY, new byte[SMALL_MAX + 1]));
        assertEquals(SMALL_MAX + 1, e.size());
        assertEquals(SMALL_MAX, e.max());
        assertEquals("value_too_large", e.code());
        assertEquals(before + 1, total(cluster.coordinatedByNode()), "one coordinator answered; no fallback");
    }

    @Test
    void aQuorumAboveNIsTheCoordinatorsBadRequest() {
        DynamoClusterClient client = client();
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.get(TABLE, bytes("k"), RequestOptions.DEFAULT.withR(4)));
        assertEquals("bad_request", e.code());
        assertTrue(e.getMessage().contains("r=4"), e.getMessage());
        assertThrows(BadRequestException.class,
                () -> client.put(TABLE, bytes("k"), Context.EMPTY, bytes("v"), RequestOptions.DEFAULT.withW(4)));
    }

    // ---------------------------------------------------------------- ring changes

    /** The same nodes with every partition moved to another owner: n1 → n2 → n3 → n1. */
    private Ring rotatedOwners(Ring ring) {
        Map<String, String> next = Map.of("n1", "n2", "n2", "n3", "n3", "n1");
        List<String> owners = new ArrayList<>();
        for (int p = 0; p < ring.q(); p++) {
            owners.add(next.get(ring.ownerOf(p)));
        }
        return Ring.of(ring.version() + 1, ring.nodes(), owners);
    }

    private void assertRoutedBy(Ring ring, DynamoClusterClient client, List<byte[]> keys, String value) {
        Map<String, Long> expected = new HashMap<>();
        for (byte[] key : keys) {
            expected.merge(firstNode(ring, key), 2L, Long::sum);
        }
        Map<String, Long> before = cluster.coordinatedByNode();
        for (byte[] key : keys) {
            GetResult r = client.get(TABLE, key);
            assertTrue(r.siblings().stream().anyMatch(v -> text(v.value()).equals(value)),
                    "value written earlier is still read");
            client.put(TABLE, key, r.context(), bytes(value));
        }
        Map<String, Long> after = cluster.coordinatedByNode();
        for (String node : List.of("n1", "n2", "n3")) {
            assertEquals(expected.getOrDefault(node, 0L), after.get(node) - before.get(node),
                    "requests coordinated by " + node + " under ring v" + ring.version());
        }
    }

    @Test
    void theClientFollowsARingChangeOnItsPeriodicRefresh() throws InterruptedException {
        DynamoClusterClient client = client(Duration.ofMillis(100));
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            keys.add(bytes("moving-" + i));
            client.put(TABLE, keys.get(i), Context.EMPTY, bytes("v"));
        }
        Ring old = cluster.ring();
        assertRoutedBy(old, client, keys, "v");

        Ring changed = rotatedOwners(old);
        cluster.updateRing(changed);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!client.ringVersion().equals(Optional.of(changed.version())) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(changed.version(), client.ringVersion().orElseThrow(), "periodic refresh saw the new ring");
        for (byte[] key : keys) {
            assertNotEquals(firstNode(old, key), firstNode(changed, key));
            assertEquals(firstNode(changed, key), client.preferenceList(TABLE, key).get(0));
        }
        assertRoutedBy(changed, client, keys, "v");
    }

    @Test
    void refreshRingForcesARefresh() {
        DynamoClusterClient client = client();
        byte[] key = bytes("forced");
        client.put(TABLE, key, Context.EMPTY, bytes("v"));
        Ring old = cluster.ring();
        assertEquals(old.version(), client.ringVersion().orElseThrow());

        Ring changed = rotatedOwners(old);
        cluster.updateRing(changed);
        assertEquals(old.version(), client.ringVersion().orElseThrow(), "no refresh yet: interval is 10 minutes");

        assertEquals(changed.version(), client.refreshRing());
        assertRoutedBy(changed, client, List.of(key), "v");
    }

    @Test
    void anOlderRingFromALaggingNodeDoesNotRollTheClientBack() {
        DynamoClusterClient client = client();
        Ring old = cluster.ring();
        Ring changed = rotatedOwners(old);
        cluster.updateRing(changed);
        assertEquals(changed.version(), client.refreshRing());

        // every node answers with the older ring now: the client keeps the newer one it holds
        cluster.updateRing(old);
        assertEquals(changed.version(), client.refreshRing());
    }

    // ---------------------------------------------------------------- seeds and lifecycle

    private static String deadAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void learnsTheRingFromAnyLiveSeed() throws IOException {
        DynamoClusterClient client = DynamoClusterClient.builder().seeds(deadAddress(), cluster.address("n2"))
                .build();
        clients.add(client);
        client.put(TABLE, bytes("k"), Context.EMPTY, bytes("v"));
        assertEquals("v", text(client.get(TABLE, bytes("k")).value()));
    }

    @Test
    void withoutAnyLiveSeedRequestsFailWithInsufficientReplicas() throws IOException {
        DynamoClusterClient client = DynamoClusterClient.builder().seeds(deadAddress()).build();
        clients.add(client);
        InsufficientReplicasException e = assertThrows(InsufficientReplicasException.class,
                () -> client.get(TABLE, bytes("k")));
        assertEquals(0, e.acknowledged());
        assertTrue(e.getMessage().contains("could not learn the ring"), e.getMessage());
        assertTrue(client.ringVersion().isEmpty());
    }

    @Test
    void requestsAfterCloseFail() {
        DynamoClusterClient client = client();
        client.put(TABLE, bytes("k"), Context.EMPTY, bytes("v"));
        client.close();
        client.close(); // idempotent
        DynamoException e = assertThrows(DynamoException.class, () -> client.get(TABLE, bytes("k")));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void theBuilderRejectsBadSettings() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> DynamoClusterClient.builder().build());
        assertTrue(none.getMessage().contains("seed"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DynamoClusterClient.builder().seeds("localhost"));
        assertThrows(IllegalArgumentException.class, () -> DynamoClusterClient.builder().seeds("localhost:0"));
        assertThrows(IllegalArgumentException.class, () -> DynamoClusterClient.builder().seeds("h:x"));
        assertThrows(IllegalArgumentException.class,
                () -> DynamoClusterClient.builder().requestTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> DynamoClusterClient.builder().ringRefreshInterval(Duration.ofMillis(-1)));
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> DynamoClusterClient.builder().transportProperties(Map.of("no-such-key", "1")));
        assertTrue(key.getMessage().contains("no-such-key"), key.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DynamoClusterClient.builder().transportProperties(Map.of("bind", "127.0.0.1:0")));
    }

    // ---------------------------------------------------------------- load

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentAsyncPutsAllSucceed() throws Exception {
        DynamoClusterClient client = client(Duration.ofMinutes(10), Duration.ofSeconds(40));
        int threads = 8;
        int perThread = 250;
        long before = total(cluster.coordinatedByNode());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<CompletableFuture<Context>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    List<CompletableFuture<Context>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String k = "load-" + thread + "-" + i;
                        futures.add(client.putAsync(LOAD, bytes(k), Context.EMPTY, bytes("value-" + k)));
                    }
                    return futures;
                }));
            }
            List<CompletableFuture<Context>> all = new ArrayList<>();
            for (Future<List<CompletableFuture<Context>>> f : submitted) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(threads * perThread, all.size());
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
            for (CompletableFuture<Context> f : all) {
                assertFalse(DynamoClient.await(f).isEmpty());
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertEquals(before + threads * perThread, total(cluster.coordinatedByNode()),
                "each put coordinated once: no fallback was needed");
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i += 25) {
                String k = "load-" + t + "-" + i;
                assertEquals("value-" + k, text(client.get(LOAD, bytes(k)).value()));
            }
        }
    }
}
