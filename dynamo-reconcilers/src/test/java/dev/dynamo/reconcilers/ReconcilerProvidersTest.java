package dev.dynamo.reconcilers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.ReconcilerProvider;
import dev.dynamo.core.spi.UnknownPluginException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconcilerProvidersTest {

    @Test
    void allThreeAreInstalled() {
        Set<String> installed = Plugins.installed(ReconcilerProvider.class, ReconcilerProvider::name).keySet();
        assertTrue(installed.containsAll(List.of("cart-union", "lww", "siblings")), installed::toString);
        assertInstanceOf(LwwReconciler.class, Plugins.reconciler("lww").create("t", Map.of()));
        assertInstanceOf(CartUnionReconciler.class, Plugins.reconciler("cart-union").create("t", Map.of()));
        assertInstanceOf(SiblingsReconciler.class, Plugins.reconciler("siblings").create("t", Map.of()));
    }

    @Test
    void unknownNameListsTheInstalledOnes() {
        UnknownPluginException e = assertThrows(UnknownPluginException.class, () -> Plugins.reconciler("nope"));
        // dynamo-testing registers a test reconciler of its own; the list is sorted either way
        Set<String> installed = Plugins.installed(ReconcilerProvider.class, ReconcilerProvider::name).keySet();
        assertEquals("reconciler 'nope' is not installed; installed reconcilers: " + String.join(", ", installed),
                e.getMessage());
        assertTrue(e.getMessage().matches(".*: cart-union, (.*, )?lww, (.*, )?siblings\\b.*"), e.getMessage());
    }

    @Test
    void unknownPropertyIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plugins.reconciler("cart-union").create("carts", Map.of("max-items", "10")));
        assertEquals("table 'carts': reconciler 'cart-union' has no property 'max-items'"
                + " (reconciler.cart-union.max-items); allowed properties: (none)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LwwReconcilerProvider().create("t", Map.of("x", "1")));
        assertThrows(IllegalArgumentException.class,
                () -> new SiblingsReconcilerProvider().create("t", Map.of("x", "1")));
    }
}
