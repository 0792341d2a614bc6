package dev.dynamo.core.spi.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dynamo.core.spi.CloseableIterator;
import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PagedScanTest {

    private final EngineGuard guard = new EngineGuard(new EngineLabel("test", "carts", Path.of("carts.db")),
            List.of(IllegalStateException.class));
    private final NavigableMap<byte[], byte[]> store = new TreeMap<>(Arrays::compareUnsigned);
    /** The start key of every page read, "null" for the first key of the store. */
    private final List<String> pageStarts = new ArrayList<>();
    /** Page reads (counted from 1) that fail half-way, once each. */
    private final List<Integer> failingReads = new ArrayList<>();

    PagedScanTest() {
        for (String key : List.of("a", "b", "c", "d", "e", "f", "g")) {
            store.put(b(key), b("value-" + key));
        }
    }

    @Test
    void readsTheWholeRangeInPagesOfAtMostTheEntryLimitResumingAfterTheLastKey() {
        List<String> keys = scan(null, null, new PagedScan.Limits(3, Long.MAX_VALUE));

        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), keys);
        assertEquals(Arrays.asList("null", "c\0", "f\0"), pageStarts);
    }

    @Test
    void aPageEndsOnceItHoldsTheByteLimit() {
        // each entry is 1 + 7 = 8 bytes: a 20-byte page fills at its third entry
        scan(null, null, new PagedScan.Limits(100, 20));

        assertEquals(Arrays.asList("null", "c\0", "f\0"), pageStarts);
    }

    @Test
    void onlyKeysInsideTheRangeAreReturned() {
        assertEquals(List.of("b", "c", "d"), scan(b("b"), b("e"), new PagedScan.Limits(2, Long.MAX_VALUE)));
        assertEquals(Arrays.asList("b", "c\0"), pageStarts);
    }

    @Test
    void aPageThatFailsIsReadAgainWholeSoNothingIsLostOrRepeated() {
        failingReads.add(2);
        List<String> keys = new ArrayList<>();
        try (CloseableIterator<KeyValue> it = open(null, null, new PagedScan.Limits(3, Long.MAX_VALUE))) {
            keys.add(key(it.next()));
            keys.add(key(it.next()));
            keys.add(key(it.next()));
            StorageException e = assertThrows(StorageException.class, it::hasNext);
            assertEquals("test engine for table 'carts': cannot scan carts.db: disk error on read 2", e.getMessage());
            while (it.hasNext()) {
                keys.add(key(it.next()));
            }
        }

        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), keys);
    }

    @Test
    void pageLimitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new PagedScan.Limits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PagedScan.Limits(1, 0));
    }

    private List<String> scan(byte[] from, byte[] to, PagedScan.Limits limits) {
        List<String> keys = new ArrayList<>();
        try (CloseableIterator<KeyValue> it = open(from, to, limits)) {
            while (it.hasNext()) {
                keys.add(key(it.next()));
            }
        }
        return keys;
    }

    private CloseableIterator<KeyValue> open(byte[] from, byte[] to, PagedScan.Limits limits) {
        KeyRange range = KeyRange.of(from, to);
        return guard.openScan(() -> new PagedScan(guard, range, limits) {
            @Override
            protected void readPage(byte[] start, Page page) {
                pageStarts.add(start == null ? "null" : new String(start, UTF_8));
                Map<byte[], byte[]> tail = start == null ? store : store.tailMap(start, true);
                int added = 0;
                for (Map.Entry<byte[], byte[]> e : tail.entrySet()) {
                    if (added == 1 && failingReads.remove(Integer.valueOf(pageStarts.size()))) {
                        throw new IllegalStateException("disk error on read " + pageStarts.size());
                    }
                    added++;
                    if (!page.add(e.getKey().clone(), e.getValue().clone())) {
                        return;
                    }
                }
            }
        });
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static String key(KeyValue kv) {
        return new String(kv.key(), UTF_8);
    }
}
