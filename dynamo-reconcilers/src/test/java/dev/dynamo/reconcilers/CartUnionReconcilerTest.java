package dev.dynamo.reconcilers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CartUnionReconcilerTest {

    private final Reconciler carts = Plugins.reconciler("cart-union").create("carts", Map.of());

    @Test
    void unionTakesTheLargestQuantityOfEachSku() {
        Sibling first = cart("{\"items\":{\"a\":1,\"b\":2}}", 100);
        Sibling second = cart("{\"items\":{\"b\":3,\"c\":1}}", 200);

        List<Sibling> merged = carts.reconcile(List.of(first, second));

        assertEquals(1, merged.size());
        assertEquals("{\"items\":{\"a\":1,\"b\":3,\"c\":1}}", new String(merged.get(0).value(), UTF_8));
        assertEquals(200, merged.get(0).timestamp());
        assertEquals(Cart.empty().with("a", 1).with("b", 3).with("c", 1), Cart.fromJson(merged.get(0).value()));
        assertEquals(merged, carts.reconcile(List.of(second, first)));
    }

    @Test
    void mergedJsonIsCanonicalWhateverTheInputLooksLike() {
        Sibling loose = cart(" { \"items\" : { \"b\" : 2 , \"a\" : 1 } } ", 5);
        List<Sibling> merged = carts.reconcile(List.of(loose, cart("{\"items\":{}}", 4)));
        assertArrayEquals("{\"items\":{\"a\":1,\"b\":2}}".getBytes(UTF_8), merged.get(0).value());
        assertEquals(5, merged.get(0).timestamp());
    }

    @Test
    void invalidJsonSurvivesNextToTheMergedCart() {
        Sibling broken = Sibling.of("{\"items\": oops".getBytes(UTF_8), 300);
        Sibling negative = Sibling.of("{\"items\":{\"a\":-1}}".getBytes(UTF_8), 50);
        Sibling first = cart("{\"items\":{\"a\":1}}", 100);
        Sibling second = cart("{\"items\":{\"b\":1}}", 200);

        List<Sibling> result = carts.reconcile(List.of(broken, first, negative, second));

        assertEquals(List.of(cart("{\"items\":{\"a\":1,\"b\":1}}", 200), negative, broken), result);
    }

    @Test
    void concurrentAddSurvivesADelete() {
        Sibling delete = Sibling.tombstone(500);
        Sibling add = cart("{\"items\":{\"a\":1}}", 100);
        assertEquals(List.of(add), carts.reconcile(List.of(delete, add)));
    }

    @Test
    void tombstonesAloneGiveTheLatestTombstone() {
        Sibling latest = Sibling.tombstone(9);
        assertEquals(List.of(latest), carts.reconcile(List.of(Sibling.tombstone(3), latest)));
    }

    @Test
    void tombstoneStaysNextToValuesThatAreNotCarts() {
        Sibling delete = Sibling.tombstone(9);
        Sibling garbage = Sibling.of(new byte[] {1, 2, 3}, 1);
        assertEquals(List.of(delete, garbage), carts.reconcile(List.of(garbage, delete, garbage)));
    }

    private static Sibling cart(String json, long timestamp) {
        return Sibling.of(json.getBytes(UTF_8), timestamp);
    }
}
