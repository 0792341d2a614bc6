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
    void zonesSpreadTheNodesAndReachEveryNodesRing() throws Exception {
        List<LocalCluster.Node> layout = LocalCluster.layout(5, 8080, dir, 2);
        assertEquals(List.of("zone1", "zone2", "zone1", "zone2", "zone1"),
                layout.stream().map(LocalCluster.Node::zone).toList());
        LocalCluster cluster = new LocalCluster(layout, List.of("java"));
        assertTrue(cluster.clusterNodes().startsWith("n1@127.0.0.1:7081:8081;zone=zone1, n2@127.0.0.1:7082:8082;"
                + "zone=zone2"), cluster.clusterNodes());
        cluster.writeConfigs();
        for (LocalCluster.Node node : cluster.nodes()) {
            ServerConfig c = ConfigLoader.load(node.conf());
            assertEquals(node.zone(), c.node().zone());
            assertEquals(List.of("zone1", "zone2"), c.clusterState().ring().zones());
        }
        assertEquals("default", LocalCluster.layout(3, 8080, dir).get(0).zone());
        assertEquals("--zones must be between 1 and the number of nodes (3), was 4",
                assertThrows(IllegalArgumentException.class, () -> LocalCluster.layout(3, 8080, dir, 4)).getMessage());
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

    // ---- the commands of 'local' (LocalConsole), on JVM-less stand-ins: 'bash -c "sleep 60"' ----

    private static final List<String> SLEEPER = List.of("bash", "-c", "sleep 60");

    private static final class Console {
        final StringWriter text = new StringWriter();
        final java.util.concurrent.atomic.AtomicInteger quits = new java.util.concurrent.atomic.AtomicInteger();
        final LocalConsole console;

        Console(LocalCluster cluster) {
            console = new LocalConsole(cluster, new PrintWriter(text, true), java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofSeconds(5), quits::incrementAndGet, () -> { });
        }

        /** Runs the lines, returns what they printed. */
        String run(String... lines) {
            int from = text.getBuffer().length();
            console.run(new java.io.BufferedReader(new java.io.StringReader(String.join("\n", lines))));
            return text.getBuffer().substring(from);
        }
    }

    @Test
    void nodesAreNamedByIdOrIndex() {
        List<LocalCluster.Node> nodes = LocalCluster.layout(3, 8080, dir);
        assertEquals(1, LocalConsole.nodeIndex("n2", nodes));
        assertEquals(1, LocalConsole.nodeIndex("N2", nodes));
        assertEquals(2, LocalConsole.nodeIndex("3", nodes));
        assertEquals("no node 'n4'; the nodes are n1..n3 (or 1..3)", assertThrows(IllegalArgumentException.class,
                () -> LocalConsole.nodeIndex("n4", nodes)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LocalConsole.nodeIndex("0", nodes));
        assertThrows(IllegalArgumentException.class, () -> LocalConsole.nodeIndex("x", nodes));
    }

    @Test
    void badCommandsPrintOneErrorLineAndTheLoopGoesOn() {
        Console c = new Console(new LocalCluster(LocalCluster.layout(2, 8080, dir), List.of("java")));
        String out = c.run("frobnicate", "kill", "kill n9", "stop n1", "status now", "", "  help  ");
        List<String> lines = out.lines().toList();
        assertEquals("error: unknown command 'frobnicate'; try: help", lines.get(0));
        assertEquals("error: 'kill' takes one node, e.g. 'kill n2'", lines.get(1));
        assertEquals("error: no node 'n9'; the nodes are n1..n2 (or 1..2)", lines.get(2));
        assertEquals("error: node n1 is not running", lines.get(3));
        assertEquals("error: 'status' takes no argument", lines.get(4));
        assertTrue(lines.get(5).trim().startsWith("kill N"), out); // help, after the blank line was skipped
        assertEquals(0, c.quits.get(), "the end of the input does not quit");
    }

    @Test
    void quitEndsTheLoop() {
        Console c = new Console(new LocalCluster(LocalCluster.layout(1, 8080, dir), List.of("java")));
        assertEquals("", c.run("quit", "frobnicate"));
        assertEquals(1, c.quits.get());
    }

    @Test
    void killStopAndStartANode() throws Exception {
        // ports no node listens on: /health never answers, so 'start' times out after 1 s, the JVM still running
        LocalCluster cluster = new LocalCluster(LocalCluster.layout(2, 64_000, dir), SLEEPER);
        Console c = new Console(cluster);
        try {
            cluster.writeConfigs();
            cluster.launch();
            Process first = cluster.process(1);
            assertTrue(first.isAlive());
            assertTrue(c.run("status").contains("running, /health not answering"));

            String killed = c.run("kill n2");
            assertEquals("killed n2 (pid " + first.pid() + "), exit code 137; 'start n2' starts it again\n", killed);
            assertTrue(!cluster.isRunning(1));
            assertTrue(c.console.exitWasCommanded("n2"));
            assertTrue(c.run("status").contains("down (stopped by a command, code 137)"));
            assertTrue(!c.console.allExitedOnTheirOwn(), "a node killed by a command can still be started");

            String started = c.run("start 2");
            assertTrue(started.startsWith("starting n2 (pid "), started);
            assertTrue(started.contains("error: node n2 did not answer"), started);
            Process second = cluster.process(1);
            assertTrue(second.isAlive() && second.pid() != first.pid());
            assertTrue(Files.readString(cluster.nodes().get(1).log()).contains("'dynamo local': starting n2 again"));
            assertEquals("error: node n2 is running (pid " + second.pid() + ")\n", c.run("start n2"));

            assertTrue(c.run("stop n1").startsWith("stopped n1 (pid "));
            assertTrue(!cluster.isRunning(0));
        } finally {
            cluster.stop(java.time.Duration.ofSeconds(5), new PrintWriter(new StringWriter(), true));
        }
        assertTrue(cluster.processes().stream().noneMatch(Process::isAlive));
        assertEquals("error: the cluster is stopping\n", c.run("start n1"));
    }

    @Test
    void aNodeThatExitsOnItsOwnIsReported() throws Exception {
        LocalCluster cluster = new LocalCluster(LocalCluster.layout(1, 64_000, dir), List.of("bash", "-c", "exit 3"));
        Console c = new Console(cluster);
        cluster.writeConfigs();
        cluster.launch();
        c.console.watch(cluster.nodes().get(0), cluster.process(0));
        cluster.process(0).waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!c.text.toString().contains("exited") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(c.text.toString().contains("node n1 (pid " + cluster.process(0).pid() + ") exited with code 3;"
                + " 'start n1' starts it again"), c.text.toString());
        assertTrue(c.console.allExitedOnTheirOwn());
    }

    @Test
    void theLogsSurviveTheStopUnlessAskedNotTo() throws Exception {
        LocalCluster cluster = new LocalCluster(LocalCluster.layout(2, 8080, dir), List.of("java"));
        cluster.writeConfigs();
        for (LocalCluster.Node n : cluster.nodes()) {
            Files.createDirectories(n.home().resolve("data/default"));
            Files.writeString(n.log(), "log of " + n.id());
        }
        // a temporary directory: the configuration and data go, the logs stay
        assertEquals(List.of(dir.resolve("n1/node.log"), dir.resolve("n2/node.log")),
                cluster.cleanUp(dir, true, false));
        assertTrue(!Files.exists(dir.resolve("n1/conf")) && !Files.exists(dir.resolve("n1/data")));
        assertEquals("log of n2", Files.readString(dir.resolve("n2/node.log")));
        // --data-dir with --delete-logs: the data stays, the logs go
        Files.createDirectories(dir.resolve("n1/data"));
        assertEquals(List.of(), cluster.cleanUp(dir, false, true));
        assertTrue(Files.isDirectory(dir.resolve("n1/data")) && !Files.exists(dir.resolve("n1/node.log")));
        // a temporary directory with --delete-logs: all of it goes
        Path tmp = dir.resolve("tmp");
        LocalCluster other = new LocalCluster(LocalCluster.layout(1, 8080, tmp), List.of("java"));
        other.writeConfigs();
        Files.writeString(other.nodes().get(0).log(), "x");
        assertEquals(List.of(), other.cleanUp(tmp, true, true));
        assertTrue(!Files.exists(tmp));
    }
}
