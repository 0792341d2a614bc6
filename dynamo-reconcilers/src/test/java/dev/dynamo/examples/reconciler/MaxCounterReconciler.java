package dev.dynamo.examples.reconciler;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An example reconciler for counters that only grow (a high-water mark, a version number):
 * a value is a counter when it is a non-negative decimal number in ASCII without sign or
 * leading zero ({@code 0}, {@code 42}), and of concurrent counters the largest wins. The
 * result is, in this order:
 * <ol>
 *   <li>if any sibling is a counter: the largest counter, unchanged (of equal ones, the latest
 *       write). Concurrent deletes are dropped: a count beats a delete;</li>
 *   <li>otherwise, if any sibling is a delete: the latest delete;</li>
 *   <li>then every sibling that is not a counter ({@code 007}, {@code -1}, {@code ten}),
 *       unchanged, without duplicates, by timestamp then bytes. It is never dropped: the
 *       reader sees it as a sibling and decides.</li>
 * </ol>
 * Every choice is a maximum or a set union over a total order of the siblings' content, so
 * the result does not depend on input order or grouping, and reconciling it again changes
 * nothing. Stateless and thread-safe.
 *
 * <pre>{@code
 * List<Sibling> result = new MaxCounterReconciler().reconcile(List.of(
 *         Sibling.of("7".getBytes(US_ASCII), 1), Sibling.of("12".getBytes(US_ASCII), 2),
 *         Sibling.tombstone(5), Sibling.of("ten".getBytes(US_ASCII), 3)));
 * // result: "12" written at 2, then "ten" written at 3
 * }</pre>
 */
public final class MaxCounterReconciler implements Reconciler {

    /** Without leading zeros, more digits is a larger number, and equal lengths compare digit by digit. */
    private static final Comparator<Sibling> BY_COUNT_THEN_TIME = Comparator
            .comparingInt((Sibling s) -> s.value().length)
            .thenComparing(Sibling::value, Arrays::compareUnsigned)
            .thenComparingLong(Sibling::timestamp);

    /** Equal only for equal siblings of the same kind, so a maximum or a set of them is well defined. */
    private static final Comparator<Sibling> BY_TIME_THEN_BYTES = Comparator
            .comparingLong(Sibling::timestamp)
            .thenComparing(Sibling::value, Arrays::compareUnsigned);

    @Override
    public List<Sibling> reconcile(List<Sibling> concurrent) {
        Sibling largest = null;
        Sibling latestDelete = null;
        SortedSet<Sibling> notCounters = new TreeSet<>(BY_TIME_THEN_BYTES);
        for (Sibling s : concurrent) {
            if (s.tombstone()) {
                latestDelete = latestDelete == null || BY_TIME_THEN_BYTES.compare(s, latestDelete) > 0 ? s : latestDelete;
            } else if (isCounter(s.value())) {
                largest = largest == null || BY_COUNT_THEN_TIME.compare(s, largest) > 0 ? s : largest;
            } else {
                notCounters.add(s);
            }
        }
        List<Sibling> result = new ArrayList<>();
        if (largest != null) {
            result.add(largest);
        } else if (latestDelete != null) {
            result.add(latestDelete);
        }
        result.addAll(notCounters);
        return List.copyOf(result);
    }

    /** {@code 0}, or a digit 1-9 followed by digits. */
    public static boolean isCounter(byte[] value) {
        if (value.length == 0 || (value[0] == '0' && value.length > 1)) {
            return false;
        }
        for (byte b : value) {
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }
}
