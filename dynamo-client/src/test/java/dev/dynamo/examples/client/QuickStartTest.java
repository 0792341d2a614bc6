package dev.dynamo.examples.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.testing.TestCluster;
import dev.dynamo.testing.TimeKind;
import dev.dynamo.testing.TransportKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/java-client.md shows {@link QuickStart} verbatim, and QuickStart runs as documented
 * against three real nodes on loopback with the tables of {@code bin/dynamo local}
 * (N=3, R=2, W=2): {@code default} (lww) and {@code cart} (cart-union, which keeps values that
 * are not carts as siblings). Surefire runs in the module directory, so docs/ is one level up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QuickStartTest {

    private static final Path DOC = Path.of("..", "docs", "java-client.md");
    private static final Path SOURCE =
            Path.of("src", "test", "java", "dev", "dynamo", "examples", "client", "QuickStart.java");

    @TempDir
    Path dir;

    private TestCluster cluster;

    @BeforeEach
    void startCluster() {
        cluster = TestCluster.builder().nodes(3).partitions(12).transport(TransportKind.NETTY).time(TimeKind.REAL)
                .dataDir(dir).transportProperties(Map.of("io-threads", "2"))
                .nodeOptions(NodeOptions.DEFAULTS.withSystemEngine("memory")).table(
                        TableConfig.of("default", 3, 2, 2, "memory", "lww"),
                        TableConfig.of("cart", 3, 2, 2, "memory", "cart-union")).build();
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void docShowsTheExampleVerbatimInAJavaBlock() throws IOException {
        String doc = Files.readString(DOC);
        String code = Files.readString(SOURCE).strip();
        assertTrue(doc.contains("```java\n" + code + "\n```"), () -> DOC.toAbsolutePath().normalize()
                + " does not show " + SOURCE + " verbatim in a ```java block: copy it into the doc");
    }

    @Test
    void onALwwTableTheLaterBlindWriteWins() {
        assertEquals(List.of(
                "missing: found=false",
                "get: hello",
                "get: hi from elsewhere",
                "deleted: found=false"), run("default"));
    }

    @Test
    void onTheCartTableTheExampleMergesTheSiblings() {
        assertEquals(List.of(
                "missing: found=false",
                "get: hello",
                "siblings: [hello again, hi from elsewhere]",
                "get: hello again + hi from elsewhere",
                "deleted: found=false"), run("cart"));
    }

    private List<String> run(String table) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            QuickStart.run(cluster.binaryAddress("n1"), table, out);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
