package dev.dynamo.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingBalanceTest {

    @Test
    void everyQAndSizeHasAnInitialAndAGrownRingAndInitialRingsAreBalanced() {
        List<RingBalance.Balance> rows = RingBalance.measure(new int[] {256}, 3, 6, 20_000);
        assertEquals(8, rows.size());
        for (RingBalance.Balance b : rows) {
            assertTrue(b.partitions() >= 1.0 && b.replicas() >= 1.0 && b.keys() >= 1.0, b.toString());
            if (b.ring().equals("initial")) {
                // 256 partitions over at most 6 nodes: no node owns more than one partition above its share
                assertTrue(b.partitions() <= (Math.ceil(256.0 / b.s())) / (256.0 / b.s()) + 1e-9, b.toString());
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RingBalance.print(rows, 20_000, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| 256 | 4 | grown from 3 |"), table);
    }
}
