package dev.dynamo.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.server.config.ConfigLoader;
import dev.dynamo.server.config.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterTest {

    @TempDir
    Path dir;

    @Test
    void defaultPortsAre8081And7081Upwards() {
        List<LocalCluster.Node> nodes = LocalCluster.layout(3, 8080, dir);
        assertEquals(List.of("n1", "n2", "n3"), nodes.stream().map(LocalCluster.Node::id).toList());
        assertEquals(List.of(8081, 8082, 8083), nodes.stream().map(LocalCluster.Node::httpPort).toList());
        assertEquals(List.of(7081, 7082, 7083), nodes.stream().map(LocalCluster.Node::binaryPort).toList());
        assertEquals(dir.resolve("n2"), nodes.get(1).home());
        assertEquals("127.0.0.1:7081", nodes.get(0).binaryAddress());
    }

    @Test
    void basePortMovesBothPorts() {
        List<LocalCluster.Node> nodes = LocalCluster.layout(2, 9000, dir);
        assertEquals(9001, nodes.get(0).httpPort());
        assertEquals(8001, nodes.get(0).binaryPort());
        assertEquals(9002, nodes.get(1).httpPort());
        assertEquals(8002, nodes.get(1).binaryPort());
    }

    @Test
    void badLayouts() {
        assertEquals("--base-port must be between 1000 and 65532 for 3 node(s) (HTTP on base+i, binary on"
                + " base-1000+i), was 999", assertThrows(IllegalArgumentException.class,
                        () -> LocalCluster.layout(3, 999, dir)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.layout(3, 65533, dir));
        assertThrows(IllegalArgumentException.class, () -> LocalCluster.layout(65, 8080, dir));
    }

    @Test
    void tablesShrinkToFewNodes() {
        assertEquals(List.of(new LocalCluster.Table("default", 3, 2, 2, "mvstore", "lww"),
                new LocalCluster.Table("cart", 3, 2, 2, "mvstore", "cart-union")), LocalCluster.tables(5));
        assertEquals(new LocalCluster.Table("default", 2, 2, 2, "mvstore", "lww"), LocalCluster.tables(2).get(0));
        assertEquals(new LocalCluster.Table("cart", 1, 1, 1, "mvstore", "cart-union"), LocalCluster.tables(1).get(1));
    }

    @Test
    void generatedConfigsAreValidAndAgreeOnTheRing() throws Exception {
        LocalCluster cluster = new LocalCluster(LocalCluster.layout(3, 8080, dir), List.of("java"));
        cluster.writeConfigs();
        ClusterState first = null;
        for (LocalCluster.Node node : cluster.nodes()) {
            ServerConfig c = ConfigLoader.load(node.conf());
            assertEquals(node.id(), c.node().id());
            assertEquals(node.httpPort(), c.node().httpPort());
            assertEquals(node.binaryPort(), c.node().binaryPort());
            assertEquals(node.home().toAbsolutePath().resolve("data"), c.node().dataDir());
            assertEquals(List.of("cart", "default"), c.tables().stream().map(TableConfig::name).toList());
            ClusterState s = c.clusterState();
            if (first == null) {
                first = s;
            }
            assertEquals(first.ring(), s.ring());
            assertEquals(3, s.ring().nodes().size());
        }
        // writing again (a restart with --data-dir) replaces the tables, keeps the data
        Files.writeString(cluster.nodes().get(0).conf().resolve("tables/stale.properties"), "n = 1");
        Files.createDirectories(cluster.nodes().get(0).home().resolve("data/default"));
        cluster.writeConfigs();
        assertEquals(2, ConfigLoader.load(cluster.nodes().get(0).conf()).tables().size());
        assertTrue(Files.isDirectory(cluster.nodes().get(0).home().resolve("data/default")));
    }

    @Test
    void engineAndExtraNodeSettingsReachEveryNodesConfig() throws Exception {
        LocalCluster cluster = new LocalCluster(LocalCluster.layout(3, 8080, dir), "memory",
                java.util.Map.of("anti-entropy.interval-ms", "0", "hints.batch", "7"), List.of("java"));
        cluster.writeConfigs();
        for (LocalCluster.Node node : cluster.nodes()) {
            ServerConfig c = ConfigLoader.load(node.conf());
            assertEquals(0, c.options().antiEntropyIntervalMillis());
            assertEquals(7, c.options().hintBatchSize());
            assertTrue(c.tables().stream().allMatch(t -> t.engine().equals("memory")), c.tables()::toString);
        }
    }

    @Test
    void theNodeCommandIsThisJava() {
        List<String> command = LocalCommand.javaCommand();
        assertTrue(command.get(0).endsWith("java"), command.get(0));
        int cp = command.indexOf("-cp");
        assertEquals(System.getProperty("java.class.path"), command.get(cp + 1));
    }

    @Test
    void stoppingNothingIsFine() {
        LocalCluster cluster = new LocalCluster(LocalCluster.layout(1, 8080, dir), List.of("java"));
        StringWriter out = new StringWriter();
        cluster.stop(java.time.Duration.ofSeconds(1), new PrintWriter(out, true));
        assertEquals("", out.toString());
        assertTrue(cluster.isStopping());
    }

    @Test
    void tailOfAMissingLog() {
        assertTrue(LocalCluster.tail(dir.resolve("none.log"), 5).contains("(no log"));
    }

    @Test
    void tableFormatting() {
        StringWriter out = new StringWriter();
        StatusCommand.printTable(new PrintWriter(out, true), List.of(new String[] {"NODE", "HTTP"},
                new String[] {"n1", "127.0.0.1:8081"}, new String[] {"node-22", "h:1"}));
        assertEquals("NODE     HTTP\nn1       127.0.0.1:8081\nnode-22  h:1\n", out.toString());
    }
}
