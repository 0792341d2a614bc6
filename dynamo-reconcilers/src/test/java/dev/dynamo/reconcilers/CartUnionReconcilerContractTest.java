package dev.dynamo.reconcilers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import dev.dynamo.testing.contract.ReconcilerContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tuple;

/** The shared reconciler laws for {@code cart-union}, plus what it owes values it cannot read. */
class CartUnionReconcilerContractTest extends ReconcilerContract {

    private final Reconciler carts = Plugins.reconciler("cart-union").create("carts", Map.of());

    @Override
    protected Reconciler reconciler() {
        return carts;
    }

    /** Canonical carts, the same carts written loosely, and values that are not carts. */
    @Override
    protected Arbitrary<byte[]> values() {
        Arbitrary<Cart> cart = Arbitraries.maps(
                        Arbitraries.of("a", "b", "c", "é", "\uD83D\uDED2"),
                        Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.longs().between(0, 3)),
                                Tuple.of(1, Arbitraries.just(Long.MAX_VALUE))))
                .ofMaxSize(4)
                .map(Cart::of);
        Arbitrary<byte[]> canonical = cart.map(Cart::toJson);
        Arbitrary<byte[]> loose = cart.map(CartUnionReconcilerContractTest::looseJson);
        Arbitrary<byte[]> broken = Arbitraries.oneOf(
                Arbitraries.of(
                        "", "null", "[]", "{}", "not json", "{\"items\":[]}", "{\"items\":{\"a\":-1}}",
                        "{\"items\":{\"a\":1.5}}", "{\"items\":{\"a\":1e2}}", "{\"items\":{\"a\":\"1\"}}",
                        "{\"items\":{\"a\":1},\"note\":\"x\"}", "{\"items\":{\"a\":1,\"a\":2}}",
                        "{\"items\":{\"a\":1}} trailing", "{\"items\":{\"a\":1}", "{\"items\":{\"\":1}}",
                        "{\"items\":{\"a\":99999999999999999999}}", "{\"items\":{\"\\ud800\":1}}",
                        "{\"items\":{\"a\":{\"b\":1}}}")
                        .map(s -> s.getBytes(UTF_8)),
                smallByteArrays());
        return Arbitraries.frequencyOf(Tuple.of(4, canonical), Tuple.of(2, loose), Tuple.of(3, broken));
    }

    /** A merged sibling is the union of every input cart, stamped with their latest timestamp. */
    @Override
    protected boolean isMergeOf(Sibling output, List<Sibling> inputs) {
        List<Sibling> cartSiblings = inputs.stream().filter(CartUnionReconcilerContractTest::isCart)
                .collect(Collectors.toList());
        if (output.tombstone() || cartSiblings.isEmpty()) {
            return false;
        }
        Cart union = cartSiblings.stream().map(s -> Cart.fromJson(s.value())).reduce(Cart::union).orElseThrow();
        long latest = cartSiblings.stream().mapToLong(Sibling::timestamp).max().orElseThrow();
        return Arrays.equals(union.toJson(), output.value()) && output.timestamp() == latest;
    }

    @Property(tries = ONE_LIST_TRIES)
    void keepsEveryValueItCannotRead(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> result = reconcile(input);
        for (Sibling s : input) {
            if (!s.tombstone() && !isCart(s)) {
                assertTrue(result.contains(s), () -> "dropped " + s + " from " + input + ": " + result);
            }
        }
    }

    @Property(tries = ONE_LIST_TRIES)
    void oneMergedCartComesFirstAndBeatsTombstones(@ForAll("siblingLists") List<Sibling> input) {
        List<Sibling> result = reconcile(input);
        long cartsOut = result.stream().filter(CartUnionReconcilerContractTest::isCart).count();
        long tombstonesOut = result.stream().filter(Sibling::tombstone).count();
        if (input.stream().anyMatch(CartUnionReconcilerContractTest::isCart)) {
            assertEquals(1, cartsOut, () -> "carts in " + result);
            assertTrue(isCart(result.get(0)), () -> "merged cart not first in " + result);
            assertEquals(0, tombstonesOut, () -> "tombstone next to a cart in " + result);
        } else {
            assertEquals(0, cartsOut);
            assertEquals(input.stream().anyMatch(Sibling::tombstone) ? 1 : 0, tombstonesOut);
            assertFalse(result.size() > 1 && result.subList(1, result.size()).stream().anyMatch(Sibling::tombstone),
                    () -> "tombstone not first in " + result);
        }
    }

    private static boolean isCart(Sibling s) {
        Optional<Cart> cart = s.tombstone() ? Optional.empty() : Cart.tryFromJson(s.value());
        return cart.isPresent();
    }

    /** Valid cart JSON that is not canonical: reversed SKU order and white space. */
    private static byte[] looseJson(Cart cart) {
        List<Map.Entry<String, Long>> entries = List.copyOf(cart.items().entrySet());
        StringBuilder json = new StringBuilder("\n{ \"items\" : {");
        for (int i = entries.size() - 1; i >= 0; i--) {
            json.append(' ').append('"').append(entries.get(i).getKey()).append("\" : ").append(entries.get(i).getValue());
            json.append(i == 0 ? " " : ",");
        }
        return json.append("} }\t").toString().getBytes(UTF_8);
    }
}
