package dev.dynamo.core.spi.support;

import dev.dynamo.core.spi.KeyValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A live scan read in pages, for stores whose cursors must not stay open between calls (they
 * hold locks, pin a transaction, or die with the store): each page is read by a short-lived
 * cursor, and the next page starts at the successor of the last key returned. A subclass
 * says how to read one page from a start key; bounds, page limits and resuming are done here.
 *
 * <p>Caller may assume: entries come in ascending key order, each key at most once, all in
 * the range; the scan holds nothing of the store between pages, so it may see writes made
 * after it started (the SPI allows a live view); a page that fails is read again whole by
 * the next {@code hasNext()}, so a failure neither loses nor repeats entries.
 *
 * <pre>{@code
 * private final class Scan extends PagedScan {
 *     Scan(KeyRange range) {
 *         super(guard, range, new PagedScan.Limits(256, 4L << 20));
 *     }
 *
 *     protected void readPage(byte[] start, Page page) {
 *         try (Cursor cursor = db.openCursor()) {
 *             boolean more = start == null ? cursor.first() : cursor.seekAtLeast(start);
 *             while (more && page.add(cursor.key(), cursor.value())) {
 *                 more = cursor.next();
 *             }
 *         }
 *     }
 * }
 * }</pre>
 */
public abstract class PagedScan extends ScanIterator {

    /**
     * How much one page may hold: a page ends after {@code entries} entries or once it holds
     * {@code bytes} bytes of keys and values, whichever comes first.
     */
    public record Limits(int entries, long bytes) {
        public Limits {
            if (entries < 1 || bytes < 1) {
                throw new IllegalArgumentException("page limits must be positive, were " + entries + " entries and "
                        + bytes + " bytes");
            }
        }
    }

    private final KeyRange range;
    private final Limits limits;
    private final ArrayDeque<KeyValue> buffered = new ArrayDeque<>();
    /** Where the next page starts (inclusive); null once the range is read to its end. */
    private byte[] resumeAt;
    private boolean started;

    protected PagedScan(EngineGuard guard, KeyRange range, Limits limits) {
        super(guard);
        this.range = Objects.requireNonNull(range, "range");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Reads entries in ascending key order, starting at the first key {@code >= start} (at the
     * first key of the store when {@code start} is null), handing each to
     * {@link Page#add}, until it returns false or the store has no more keys. Runs under the
     * engine's shared lock.
     */
    protected abstract void readPage(byte[] start, Page page) throws Exception;

    @Override
    protected final KeyValue fetchNext() throws Exception {
        if (buffered.isEmpty() && (!started || resumeAt != null)) {
            Page page = new Page();
            readPage(started ? resumeAt.clone() : range.from(), page);
            // only a page read whole moves the scan on: a failed one is read again
            started = true;
            resumeAt = page.resumeAt;
            buffered.addAll(page.entries);
        }
        return buffered.pollFirst();
    }

    @Override
    protected void release() {
        buffered.clear();
        started = true;
        resumeAt = null;
    }

    /** The entries of one page, as {@link #readPage} reads them. */
    public final class Page {
        private final List<KeyValue> entries = new ArrayList<>();
        private long bytes;
        /** Null unless the page filled up before the range ended. */
        private byte[] resumeAt;

        private Page() {
        }

        /**
         * Adds an entry, unless its key is past the range's end.
         *
         * @param key   a key {@code >=} the page's start and greater than the previous one; the
         *              array becomes the scan's (pass a copy if the store reuses it)
         * @param value its value, likewise
         * @return whether to go on reading: false once the key is past the end (the scan then
         *         ends) or the page is full (the next page starts after this key)
         */
        public boolean add(byte[] key, byte[] value) {
            if (range.isPastEnd(key)) {
                return false;
            }
            entries.add(new KeyValue(key, value));
            bytes += key.length + value.length;
            if (entries.size() >= limits.entries() || bytes >= limits.bytes()) {
                resumeAt = KeyRange.successor(key);
                return false;
            }
            return true;
        }
    }
}
