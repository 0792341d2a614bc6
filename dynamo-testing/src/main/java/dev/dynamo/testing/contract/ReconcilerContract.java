package dev.dynamo.testing.contract;

import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The algebra every {@link Reconciler} owes, as jqwik properties. Replicas reconcile the
 * same siblings in different orders and groupings (read repair, anti-entropy, hinted
 * handoff all meet at different times); they converge only if the reconciler is
 * commutative, associative and idempotent. A reconciler is done when a subclass of this
 * class is green, unchanged.
 *
 * <p><b>Results compare as lists.</b> A reconciler should return its siblings in a
 * canonical order that depends only on the content of its input (for example sorted by
 * {@code timestamp}, then tombstone flag, then value bytes unsigned), and without exact
 * duplicates unless it means to keep them. The laws are then checked with
 * {@link List#equals}. A reconciler whose output order is not canonical overrides
 * {@link #normalise(List)} to sort (and, if it wants set semantics, to dedupe) before
 * comparison.
 *
 * <p>Laws checked, for non-empty lists {@code a}, {@code b}, {@code c} of siblings, with
 * {@code r} the reconciler, {@code ++} list concatenation and {@code ==} comparison after
 * {@link #normalise(List)}:
 * <ul>
 *   <li><i>non-empty</i>: {@code r(a)} is non-empty and holds no null;</li>
 *   <li><i>commutative</i>: {@code r(p(a)) == r(a)} for every permutation {@code p};</li>
 *   <li><i>idempotent</i>: {@code r(r(a)) == r(a)};</li>
 *   <li><i>associative</i>: {@code r(r(a ++ b) ++ c) == r(a ++ r(b ++ c))};</li>
 *   <li><i>partial reconciliation is invisible</i>: {@code r(r(a ++ b) ++ c) == r(a ++ b ++ c)},
 *       so a replica that reconciled part of the siblings early ends where one that saw
 *       them all at once ends;</li>
 *   <li><i>never invents</i>: every output sibling equals an input sibling, or
 *       {@link #isMergeOf(Sibling, List)} accepts it as a merge of the inputs;</li>
 *   <li><i>leaves its input alone</i>: the input list (passed unmodifiable) and its value
 *       arrays are unchanged afterwards.</li>
 * </ul>
 * Subclasses may add their own {@code @Property} methods over {@code @ForAll("siblingLists")}
 * (see {@link #siblingLists()}) for what only their reconciler owes.
 *
 * <p>Inputs may hold a single sibling (a reconciler is applied to its own output, which may
 * be one sibling) and exact duplicates (two coordinators can write the same bytes in the
 * same millisecond). Timestamps collide often, to exercise tie-breaking.
 *
 * <p>A subclass says how to build the reconciler and what values look like:
 * <pre>{@code
 * class LwwReconcilerContractTest extends ReconcilerContract {
 *     protected Reconciler reconciler() { return Plugins.reconciler("lww").create("t", Map.of()); }
 *     protected Arbitrary<byte[]> values() { return smallByteArrays(); }
 * }
 * }</pre>
 * A merging reconciler (one that builds new values) also overrides
 * {@link #isMergeOf(Sibling, List)}; one that must keep values it cannot interpret mixes
 * such values into {@link #values()} and adds its own properties for them.
 */
public abstract class ReconcilerContract {

    /**
     * Tries of each law over one input list. The value space is small (few timestamps, short
     * values), so a few hundred tries cover it well and the suite stays within seconds.
     */
    protected static final int ONE_LIST_TRIES = 500;

    /** Tries of each law over three input lists (associativity), which reconcile several times per try. */
    protected static final int THREE_LIST_TRIES = 250;

    /** The reconciler under test; may return the same instance every time (it must be thread-safe). */
    protected abstract Reconciler reconciler();

    /** Values of non-tombstone siblings, e.g. random bytes, or valid and broken cart JSON. */
    protected abstract Arbitrary<byte[]> values();

    /**
     * Whether {@code output}, which equals none of {@code inputs}, is a legitimate merge of
     * them. The default accepts nothing: a reconciler that only chooses among its inputs
     * needs no override.
     */
    protected boolean isMergeOf(Sibling output, List<Sibling> inputs) {
        return false;
    }

    /**
     * Brings a result into the form compared by the laws. The default is the identity: the
     * reconciler's output order must be canonical. Override to sort when it is not.
     */
    protected List<Sibling> normalise(List<Sibling> result) {
        return result;
    }

    /** Write times: mostly a handful of values, so ties are common; sometimes any long. */
    protected Arbitrary<Long> timestamps() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, 3)),
                Tuple.of(1, Arbitraries.of(Long.MIN_VALUE, -1L, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs()));
    }

    /** Siblings: mostly values from {@link #values()}, sometimes tombstones. */
    protected Arbitrary<Sibling> siblings() {
        Arbitrary<Sibling> live = Combinators.combine(values(), timestamps()).as(Sibling::of);
        Arbitrary<Sibling> dead = timestamps().map(Sibling::tombstone);
        return Arbitraries.frequencyOf(Tuple.of(4, live), Tuple.of(1, dead));
    }

    /** Short byte arrays over an alphabet that exercises unsigned comparison; collisions are common. */
    protected static Arbitrary<byte[]> smallByteArrays() {
        return Arbitraries.of((byte) 0, (byte) 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff)
                .array(byte[].class).ofMaxSize(3);
    }

    /** Non-empty sibling lists; about half are drawn from a small pool, so duplicates occur. */
    @Provide
    protected Arbitrary<List<Sibling>> siblingLists() {
        Arbitrary<List<Sibling>> plain = siblings().list().ofMinSize(1).ofMaxSize(5);
        Arbitrary<List<Sibling>> pooled = Combinators.combine(
                        siblings().list().ofMinSize(1).ofMaxSize(3),
                        Arbitraries.integers().between(0, 2).list().ofMinSize(1).ofMaxSize(5))
                .as((pool, picks) -> picks.stream().map(i -> pool.get(i % pool.size())).collect(Collectors.toList()));
        return Arbitraries.oneOf(plain, pooled);
    }

    @Property(tries = ONE_LIST_TRIES)
    void resultIsNonEmptyForNonEmptyInput(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> result = reconcile(input);
        check(!result.isEmpty(), () -> "empty result", input, result, null);
        check(result.stream().noneMatch(Objects::isNull), () -> "null sibling in result", input, result, null);
    }

    @Property(tries = ONE_LIST_TRIES)
    void orderOfInputDoesNotMatter(@ForAll("siblingLists") List<Sibling> input, @ForAll Random random) {
        List<Sibling> shuffled = new ArrayList<>(input);
        Collections.shuffle(shuffled, random);
        List<Sibling> reversed = new ArrayList<>(input);
        Collections.reverse(reversed);
        List<Sibling> expected = reconcile(input);
        same(expected, reconcile(shuffled), () -> "commutative: shuffled input " + describe(shuffled), input);
        same(expected, reconcile(reversed), () -> "commutative: reversed input", input);
    }

    @Property(tries = ONE_LIST_TRIES)
    void reconcilingTheResultAgainChangesNothing(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> once = reconcile(input);
        same(once, reconcile(once), () -> "idempotent: r(r(a)) differs from r(a)", input);
    }

    @Property(tries = THREE_LIST_TRIES)
    void groupingDoesNotMatter(@ForAll("siblingLists") List<Sibling> a,
                               @ForAll("siblingLists") List<Sibling> b,
                               @ForAll("siblingLists") List<Sibling> c) {
        List<Sibling> left = reconcile(concat(reconcile(concat(a, b)), c));
        List<Sibling> right = reconcile(concat(a, reconcile(concat(b, c))));
        same(left, right, () -> "associative: r(r(a++b)++c) differs from r(a++r(b++c))" + abc(a, b, c),
                concat(concat(a, b), c));
    }

    @Property(tries = THREE_LIST_TRIES)
    void partialReconciliationIsInvisible(@ForAll("siblingLists") List<Sibling> a,
                                          @ForAll("siblingLists") List<Sibling> b,
                                          @ForAll("siblingLists") List<Sibling> c) {
        List<Sibling> all = concat(concat(a, b), c);
        List<Sibling> flat = reconcile(all);
        same(flat, reconcile(concat(reconcile(concat(a, b)), c)),
                () -> "r(r(a++b)++c) differs from r(a++b++c)" + abc(a, b, c), all);
        same(flat, reconcile(concat(a, reconcile(concat(b, c)))),
                () -> "r(a++r(b++c)) differs from r(a++b++c)" + abc(a, b, c), all);
    }

    @Property(tries = ONE_LIST_TRIES)
    void neverInventsASibling(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> result = reconcile(input);
        for (Sibling out : result) {
            check(input.contains(out) || isMergeOf(out, input),
                    () -> "output " + describe(out) + " is neither an input nor a merge of the inputs",
                    input, result, null);
        }
    }

    @Property(tries = ONE_LIST_TRIES)
    void leavesItsInputAlone(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> frozen = List.copyOf(input);
        List<byte[]> bytesBefore = input.stream().map(s -> s.value().clone()).collect(Collectors.toList());
        reconciler().reconcile(frozen);
        for (int i = 0; i < frozen.size(); i++) {
            int index = i;
            check(Arrays.equals(bytesBefore.get(i), frozen.get(i).value()),
                    () -> "value array of input sibling " + index + " was modified", input, frozen, null);
        }
    }

    /** Runs the reconciler on an unmodifiable copy of {@code input}. */
    protected final List<Sibling> reconcile(List<Sibling> input) {
        List<Sibling> result = reconciler().reconcile(List.copyOf(input));
        if (result == null) {
            throw new AssertionError("reconciler returned null for " + describe(input));
        }
        return result;
    }

    private void same(List<Sibling> expected, List<Sibling> actual, Supplier<String> law, List<Sibling> input) {
        List<Sibling> e = normalise(expected);
        List<Sibling> a = normalise(actual);
        check(e.equals(a), law, input, a, e);
    }

    private static void check(boolean ok, Supplier<String> what, List<Sibling> input, List<Sibling> actual,
                              List<Sibling> expected) {
        if (!ok) {
            throw new AssertionError(what.get() + "\n  input:    " + describe(input)
                    + (expected == null ? "" : "\n  expected: " + describe(expected))
                    + "\n  actual:   " + describe(actual));
        }
    }

    private static List<Sibling> concat(List<Sibling> x, List<Sibling> y) {
        List<Sibling> all = new ArrayList<>(x.size() + y.size());
        all.addAll(x);
        all.addAll(y);
        return all;
    }

    private static String abc(List<Sibling> a, List<Sibling> b, List<Sibling> c) {
        return "\n  a = " + describe(a) + "\n  b = " + describe(b) + "\n  c = " + describe(c);
    }

    private static String describe(List<Sibling> siblings) {
        return siblings.stream().map(ReconcilerContract::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Shows the bytes too (as text when printable), unlike {@link Sibling#toString()}. */
    private static String describe(Sibling s) {
        if (s.tombstone()) {
            return "tombstone@" + s.timestamp() + (s.value().length == 0 ? "" : "(" + hexOrText(s.value()) + ")");
        }
        return hexOrText(s.value()) + "@" + s.timestamp();
    }

    private static String hexOrText(byte[] bytes) {
        boolean printable = true;
        for (byte b : bytes) {
            printable &= b >= 0x20 && b < 0x7f;
        }
        if (printable) {
            return "'" + new String(bytes, StandardCharsets.US_ASCII) + "'";
        }
        StringBuilder hex = new StringBuilder("0x");
        for (byte b : bytes) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }
}
