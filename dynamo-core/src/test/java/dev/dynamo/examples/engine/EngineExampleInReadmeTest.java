package dev.dynamo.examples.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/extending.md, section "A storage engine", shows the example engine and its provider
 * verbatim, and the services line that registers it, so the documented code is code that
 * compiles and passes the contract. Surefire runs in the module directory, so docs/ is
 * one level up.
 */
class EngineExampleInReadmeTest {

    private static final Path README = Path.of("..", "docs", "extending.md");
    private static final Path EXAMPLES = Path.of("src", "test", "java", "dev", "dynamo", "examples", "engine");
    private static final Path SERVICES =
            Path.of("src", "test", "resources", "META-INF", "services", "dev.dynamo.core.spi.StorageEngineProvider");

    @Test
    void readmeShowsTheEngineAndItsProviderVerbatim() throws IOException {
        String readme = Files.readString(README);
        for (String file : List.of("AppendLogEngine.java", "AppendLogEngineProvider.java")) {
            String code = Files.readString(EXAMPLES.resolve(file)).strip();
            assertTrue(readme.contains(code), () -> README.toAbsolutePath().normalize() + " does not show "
                    + EXAMPLES.resolve(file) + " verbatim: copy it into the section \"A storage engine\"");
        }
    }

    @Test
    void readmeShowsTheServicesLineThatRegistersTheExample() throws IOException {
        String line = AppendLogEngineProvider.class.getName();
        assertTrue(Files.readAllLines(SERVICES).contains(line), () -> SERVICES + " does not list " + line);
        assertTrue(Files.readString(README).contains("\n" + line + "\n"), () -> README + " does not show " + line);
    }
}
