package dev.dynamo.core.spi.support;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.KeyValue;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.spi.support.EngineGuardTest.LibraryException;
import dev.dynamo.core.spi.support.EngineGuardTest.ListScan;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScanIteratorTest {

    private final EngineGuard guard = new EngineGuard(new EngineLabel("test", "carts", Path.of("carts.db")),
            List.of(LibraryException.class));
    private final AtomicInteger releases = new AtomicInteger();
    private final List<KeyValue> entries = List.of(kv("a"), kv("b"));

    private ListScan open() {
        return guard.openScan(() -> new ListScan(guard, entries, releases::incrementAndGet));
    }

    @Test
    void returnsEveryEntryThenEndsWithNoSuchElementNamingTheTable() {
        ListScan scan = open();

        assertTrue(scan.hasNext());
        assertTrue(scan.hasNext(), "hasNext does not consume");
        assertSame(entries.get(0), scan.next());
        assertSame(entries.get(1), scan.next());
        assertFalse(scan.hasNext());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, scan::next);

        assertEquals("scan of table 'carts' is exhausted or closed", e.getMessage());
        assertEquals(1, releases.get(), "released when exhausted");
    }

    @Test
    void closingEarlyEndsTheScanAndReleasesItOnce() {
        ListScan scan = open();
        scan.next();

        scan.close();
        scan.close();

        assertFalse(scan.hasNext());
        assertThrows(NoSuchElementException.class, scan::next);
        assertEquals(1, releases.get());
    }

    @Test
    void closingTheEngineReleasesTheScanAndEveryLaterStepFailsAsClosed() {
        ListScan scan = open();
        scan.next();

        guard.close(() -> { });

        assertEquals(1, releases.get(), "released by the engine's close");
        StorageException e = assertThrows(StorageException.class, scan::hasNext);
        assertTrue(e.getMessage().contains("'carts' is closed"), e.getMessage());
        assertThrows(StorageException.class, scan::next);
        scan.close();
        assertEquals(1, releases.get(), "not released again by its own close");
    }

    @Test
    void anExhaustedScanStillFailsOnceTheEngineIsClosed() {
        ListScan scan = open();
        while (scan.hasNext()) {
            scan.next();
        }

        guard.close(() -> { });

        assertThrows(StorageException.class, scan::hasNext);
    }

    @Test
    void aFailedStepIsAStorageExceptionSayingTheScanFailed() {
        ScanIterator scan = guard.openScan(() -> new ScanIterator(guard) {
            @Override
            protected KeyValue fetchNext() {
                throw new LibraryException("iterator invalidated");
            }
        });

        StorageException e = assertThrows(StorageException.class, scan::hasNext);

        assertEquals("test engine for table 'carts': cannot scan carts.db: iterator invalidated", e.getMessage());
    }

    private static KeyValue kv(String key) {
        return new KeyValue(key.getBytes(UTF_8), ("value of " + key).getBytes(UTF_8));
    }
}
