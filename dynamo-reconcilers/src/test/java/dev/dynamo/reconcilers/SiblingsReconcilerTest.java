package dev.dynamo.reconcilers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.Reconciler;
import dev.dynamo.core.spi.Sibling;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SiblingsReconcilerTest {

    private final Reconciler keepAll = Plugins.reconciler("siblings").create("docs", Map.of());

    @Test
    void keepsEverySiblingOnceOldestFirst() {
        Sibling a = Sibling.of("a".getBytes(UTF_8), 100);
        Sibling b = Sibling.of("b".getBytes(UTF_8), 200);
        Sibling delete = Sibling.tombstone(100);
        List<Sibling> input = List.of(b, delete, a, Sibling.of("b".getBytes(UTF_8), 200));
        assertEquals(List.of(a, delete, b), keepAll.reconcile(input));
    }
}
