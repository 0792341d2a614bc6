package dev.dynamo.examples.reconciler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/extending.md, section "A reconciler", shows the example reconciler and its provider
 * verbatim, and the services line that registers it, so the documented code is code that
 * compiles and passes the contract. Surefire runs in the module directory, so docs/ is
 * one level up.
 */
class ReconcilerExampleInReadmeTest {

    private static final Path README = Path.of("..", "docs", "extending.md");
    private static final Path EXAMPLES = Path.of("src", "test", "java", "dev", "dynamo", "examples", "reconciler");
    private static final Path SERVICES =
            Path.of("src", "test", "resources", "META-INF", "services", "dev.dynamo.core.spi.ReconcilerProvider");

    @Test
    void readmeShowsTheReconcilerAndItsProviderVerbatim() throws IOException {
        String readme = Files.readString(README);
        for (String file : List.of("MaxCounterReconciler.java", "MaxCounterReconcilerProvider.java")) {
            String code = Files.readString(EXAMPLES.resolve(file)).strip();
            assertTrue(readme.contains(code), () -> README.toAbsolutePath().normalize() + " does not show "
                    + EXAMPLES.resolve(file) + " verbatim: copy it into the section \"A reconciler\"");
        }
    }

    @Test
    void readmeShowsTheServicesLineThatRegistersTheExample() throws IOException {
        String line = MaxCounterReconcilerProvider.class.getName();
        assertTrue(Files.readAllLines(SERVICES).contains(line), () -> SERVICES + " does not list " + line);
        assertTrue(Files.readString(README).contains("\n" + line + "\n"), () -> README + " does not show " + line);
    }
}
