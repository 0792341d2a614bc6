package dev.dynamo.http;

import static dev.dynamo.http.HttpApiServerTest.assertError;
import static dev.dynamo.http.HttpApiServerTest.body;
import static dev.dynamo.http.HttpApiServerTest.context;
import static dev.dynamo.http.HttpApiServerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.version.Dot;
import dev.dynamo.core.version.SiblingSet;
import dev.dynamo.core.version.Version;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 through a real node's HTTP API (three in-JVM nodes, every key on all three): a
 * forged context counter, blind writes past the sibling cap, keys stored with thousands of
 * siblings or a counter at 2^63 - 1 before those limits existed, and request timeouts. Each
 * test drives a node past a limit, checks the typed error and its counter, and then shows
 * the key is still writable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSiblingLimitsTest {
    private static final String CART = "/tables/cart/keys/";
    private static final String DEFAULT = "/tables/default/keys/";

    private HttpTestServer c;

    @BeforeAll
    void start(@TempDir Path dir) {
        c = HttpTestServer.start(3, dir, TableConfig.of("default", 3, 2, 2, "memory", "lww"),
                TableConfig.of("cart", 3, 2, 2, "memory", "cart-union"));
    }

    @AfterAll
    void stop() {
        c.close();
    }

    /** dynamo_limit_refusals_total{limit} of n1, where the HTTP requests enter. */
    private double refusals(String limit) {
        var counter = c.metrics().registry().find("dynamo.limit.refusals").tag("limit", limit).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String forged(String node, long counter) {
        return Context.of(VectorClock.of(List.of(new VectorClock.Entry(node, counter, 1)))).toBase64();
    }

    private void assertLimit(HttpResponse<byte[]> r, int status, String code, String limit) {
        assertError(r, status, code);
        JsonNode j = json(r);
        assertEquals(limit, j.path("limit").asText(), body(r));
        assertTrue(j.path("value").asLong() > j.path("max").asLong(), body(r));
    }

    // ------------------------------------------------------------------ contexts

    @Test
    void aForgedContextCounterIsRefusedAndTheKeyStaysWritableThroughEveryNode() {
        double before = refusals("context.max-counter");
        // n1 coordinates: the next dot would have been 2^63 - 1, and every write after it overflowed
        for (String node : List.of("n1", "n2")) {
            HttpResponse<byte[]> r = c.put(DEFAULT + "forged", "v", "X-Dynamo-Context",
                    forged(node, Long.MAX_VALUE - 1));
            assertLimit(r, 400, "limit_exceeded", "context.max-counter");
            assertEquals(1L << 48, json(r).path("max").asLong());
        }
        assertEquals(before + 2, refusals("context.max-counter"));

        assertEquals(204, c.put(DEFAULT + "forged", "blind").statusCode());
        HttpResponse<byte[]> read = c.get(DEFAULT + "forged");
        assertEquals("blind", body(read));
        assertEquals(204, c.put(DEFAULT + "forged", "again", "X-Dynamo-Context", context(read)).statusCode());
        assertEquals("again", body(c.get(DEFAULT + "forged")));
    }

    @Test
    void aKeyStoredWithACounterAtTheLongMaximumBeforeTheLimitStaysWritableWithItsContext() {
        // what an older version stored after a forged context: n1's dot at 2^63 - 1 on every replica
        Version poisoned = new Version(new Dot("n1", Long.MAX_VALUE), Context.EMPTY, 1, false, bytes("old"));
        storeEverywhere("default", "poisoned", new SiblingSet(List.of(poisoned)));

        HttpResponse<byte[]> read = c.get(DEFAULT + "poisoned");
        assertEquals("old", body(read));
        // n1 coordinates (HTTP enters at n1, a replica of every key): its counter is used up
        assertEquals(204, c.put(DEFAULT + "poisoned", "new", "X-Dynamo-Context", context(read)).statusCode());
        read = c.get(DEFAULT + "poisoned");
        assertEquals(200, read.statusCode());
        assertEquals("new", body(read));
        assertEquals(204, c.put(DEFAULT + "poisoned", "newer", "X-Dynamo-Context", context(read)).statusCode());
        assertEquals(204, c.send("DELETE", DEFAULT + "poisoned", null, "X-Dynamo-Context",
                context(c.get(DEFAULT + "poisoned"))).statusCode());
        assertEquals(404, c.get(DEFAULT + "poisoned").statusCode());
    }

    @Test
    void aContextWithTooManyEntriesIsRefused() {
        List<VectorClock.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            entries.add(new VectorClock.Entry("x" + i, 1, 1));
        }
        double before = refusals("context.max-entries");
        HttpResponse<byte[]> r = c.put(DEFAULT + "wide", "v", "X-Dynamo-Context",
                Context.of(VectorClock.of(entries)).toBase64());
        assertLimit(r, 400, "limit_exceeded", "context.max-entries");
        assertEquals(before + 1, refusals("context.max-entries"));
        assertEquals(204, c.put(DEFAULT + "wide", "v").statusCode());
    }

    @Test
    void contextsNamingInventedNodesCannotGrowAKeysContextPastItsLimit() {
        double before = refusals("context.max-key-entries");
        int refused = 0;
        for (int w = 0; w < 30; w++) {
            List<VectorClock.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                entries.add(new VectorClock.Entry("fake-" + w + "-" + i, 1, 1));
            }
            HttpResponse<byte[]> r = c.put(DEFAULT + "grown", "v" + w, "X-Dynamo-Context",
                    Context.of(VectorClock.of(entries)).toBase64());
            if (r.statusCode() != 204) {
                assertLimit(r, 400, "limit_exceeded", "context.max-key-entries");
                refused++;
            }
        }
        assertTrue(refused > 0, "300 invented entries, limit 128");
        assertEquals(before + refused, refusals("context.max-key-entries"));
        // what a read returns still goes back in a header and is accepted
        HttpResponse<byte[]> read = c.get(DEFAULT + "grown");
        assertEquals(204, c.put(DEFAULT + "grown", "settled", "X-Dynamo-Context", context(read)).statusCode());
        assertEquals("settled", body(c.get(DEFAULT + "grown")));
        assertEquals(204, c.put(DEFAULT + "grown", "blind").statusCode());
    }

    // ------------------------------------------------------------------ siblings

    @Test
    void blindWritesPastTheSiblingCapAreRefusedAndReadMergeWriteBackSettlesTheKey() {
        double before = refusals("max-siblings");
        for (int i = 0; i < TableConfig.DEFAULT_MAX_SIBLINGS; i++) {
            assertEquals(204, c.put(CART + "pile", "not a cart " + i).statusCode(), "write " + i);
        }
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = c.put(CART + "pile", "one too many");
            assertLimit(r, 409, "too_many_siblings", "max-siblings");
            JsonNode j = json(r);
            assertEquals(TableConfig.DEFAULT_MAX_SIBLINGS + 1, j.path("value").asLong());
            assertEquals(TableConfig.DEFAULT_MAX_SIBLINGS, j.path("max").asLong());
            assertEquals("cart", j.path("table").asText());
        }
        assertEquals(before + 3, refusals("max-siblings"));
        assertEquals(409, c.send("DELETE", CART + "pile", null).statusCode(), "a blind delete adds a sibling too");

        // the way out: read, merge, write back with the read's context
        HttpResponse<byte[]> read = c.get(CART + "pile");
        assertEquals(300, read.statusCode());
        assertEquals(TableConfig.DEFAULT_MAX_SIBLINGS, json(read).path("siblings").size());
        assertEquals(204, c.put(CART + "pile", "{\"items\":{\"pen\":1}}", "X-Dynamo-Context", context(read))
                .statusCode());
        read = c.get(CART + "pile");
        assertEquals(200, read.statusCode());
        assertEquals("{\"items\":{\"pen\":1}}", body(read));
        assertEquals(204, c.put(CART + "pile", "not a cart again").statusCode(), "blind writes work again");
    }

    @Test
    void aDeleteWithTheReadsContextWorksAtTheCap() {
        for (int i = 0; i < TableConfig.DEFAULT_MAX_SIBLINGS; i++) {
            assertEquals(204, c.put(CART + "full", "not a cart " + i).statusCode());
        }
        assertEquals(409, c.put(CART + "full", "one too many").statusCode());
        HttpResponse<byte[]> read = c.get(CART + "full");
        assertEquals(204, c.send("DELETE", CART + "full", null, "X-Dynamo-Context", context(read)).statusCode());
        assertEquals(404, c.get(CART + "full").statusCode());
        assertEquals(204, c.put(CART + "full", "{\"items\":{}}").statusCode());
    }

    @Test
    void aKeyStoredWithThousandsOfSiblingsBeforeTheCapStaysReadableAndWritableWithItsContext() {
        // more than the 4,096 versions the stored form once refused to decode, which made such keys answer 500
        List<Version> many = new ArrayList<>();
        for (int i = 1; i <= 5_000; i++) {
            many.add(new Version(new Dot("old-node", i), Context.EMPTY, i, false, bytes("s" + i)));
        }
        storeEverywhere("cart", "crowded", new SiblingSet(many));

        HttpResponse<byte[]> read = c.get(CART + "crowded");
        assertEquals(300, read.statusCode(), () -> body(read).substring(0, 200));
        assertEquals(5_000, json(read).path("siblings").size());
        assertEquals(409, c.put(CART + "crowded", "blind").statusCode());
        assertEquals(204, c.put(CART + "crowded", "{\"items\":{\"pen\":2}}", "X-Dynamo-Context", context(read))
                .statusCode());
        HttpResponse<byte[]> settled = c.get(CART + "crowded");
        assertEquals(200, settled.statusCode());
        assertEquals("{\"items\":{\"pen\":2}}", body(settled));
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    void aTimeoutOverTheLimitIsRefusedAsLimitExceeded() {
        double before = refusals("request.max-timeout-ms");
        assertLimit(c.get(DEFAULT + "t?timeout_ms=600001"), 400, "limit_exceeded", "request.max-timeout-ms");
        assertError(c.put(DEFAULT + "t?timeout_ms=99999999999999999999", "v"), 400, "limit_exceeded");
        assertEquals(before + 2, refusals("request.max-timeout-ms"));
        assertEquals(204, c.put(DEFAULT + "t?timeout_ms=600000", "v").statusCode());
        assertEquals("v", body(c.get(DEFAULT + "t")));
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Puts {@code set} into every node's table directly, as data an older version left behind. */
    private void storeEverywhere(String table, String key, SiblingSet set) {
        for (String node : c.cluster().nodeIds()) {
            Table t = c.cluster().node(node).table(table);
            int p = c.cluster().node(node).cluster().ring().partitionOf(bytes(key), t.partitioner());
            assertNotNull(t.store().merge(p, bytes(key), set));
        }
    }
}
