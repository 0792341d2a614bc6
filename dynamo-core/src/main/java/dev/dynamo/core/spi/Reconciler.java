package dev.dynamo.core.spi;

import java.util.List;

/**
 * Settles concurrent versions of one key. The input holds at least one sibling, none of
 * which causally precedes another; the output is what the table keeps and returns: one
 * sibling (a merged value, or a tombstone for "deleted"), or several (keep them as
 * siblings). The core builds the vector clock of the result; a reconciler never sees one.
 *
 * <p>Caller may assume: the result does not depend on the order of the input; applying the
 * reconciler to its own output returns the same output; reconciling in any grouping gives
 * the same result (commutative, idempotent, associative), which is what lets replicas
 * converge. Implementations must be thread-safe and must never drop a sibling they cannot
 * interpret: keep it in the output instead.
 *
 * <pre>{@code
 * // keeps the longest value: fits in a few lines
 * Reconciler longest = siblings -> List.of(siblings.stream()
 *     .max(Comparator.comparingInt((Sibling s) -> s.value().length)
 *          .thenComparing(Sibling::value, Arrays::compareUnsigned)).orElseThrow());
 * }</pre>
 */
@FunctionalInterface
public interface Reconciler {
    List<Sibling> reconcile(List<Sibling> concurrent);
}
