package dev.dynamo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.version.Version;
import dev.dynamo.server.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore as an operator runs them: write, {@code dynamo backup} while the cluster
 * serves, write and delete more, lose a node's disk, {@code dynamo restore} it, start it,
 * {@code dynamo repair}: every acknowledged write is readable, on the restored node too, and
 * nothing deleted after the backup comes back.
 */
@Timeout(180)
class BackupRestoreTest {
    private static final String TABLE = "n = 3\nr = 2\nw = 2\nengine = mvstore\n";

    @TempDir
    Path home;

    private int[] bin;
    private int[] web;
    private final List<DynamoServer> servers = new ArrayList<>();

    @Test
    void aNodeThatLostItsDiskIsRestoredAndRepairedWithNothingLostAndNothingResurrected() throws Exception {
        startCluster();
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            put(0, "k" + i, "before-" + i);
            expected.put("k" + i, "before-" + i);
        }
        for (int i = 0; i < 5; i++) {
            delete(0, "k" + i);
            expected.remove("k" + i);
        }

        Path backups = home.resolve("backups/b1");
        Cli backup = Cli.run("backup", "--table", "default", "--dest", backups.toString(), "--http", "127.0.0.1:"
                + web[0]);
        assertEquals(0, backup.code, backup.err);
        assertTrue(backup.out.contains("backup complete: 3 node(s)"), backup.out);
        for (String node : List.of("n1", "n2", "n3")) {
            assertTrue(Files.isRegularFile(backups.resolve(node + "/default/MANIFEST.properties")), node);
        }

        // after the backup: new keys, an overwrite, deletes (one of a key the backup holds)
        for (int i = 60; i < 100; i++) {
            put(1, "k" + i, "after-" + i);
            expected.put("k" + i, "after-" + i);
        }
        put(1, "k20", "changed");
        expected.put("k20", "changed");
        for (int i = 10; i < 15; i++) {
            delete(1, "k" + i);
            expected.remove("k" + i);
        }

        // n3 loses its disk
        servers.get(2).close();
        deleteTree(home.resolve("n3/data"));

        Cli refused = Cli.run("restore", "--conf", conf("n3").toString(), "--from", home.resolve("nope").toString());
        assertEquals(2, refused.code);
        assertTrue(refused.err.contains("not a complete backup"), refused.err);

        Cli restore = Cli.run("restore", "--conf", conf("n3").toString(), "--from", backups.toString());
        assertEquals(0, restore.code, restore.err);
        assertTrue(restore.out.contains("table default: restored"), restore.out);
        assertTrue(restore.out.contains("its next writes are named n3#"), restore.out);
        Cli again = Cli.run("restore", "--conf", conf("n3").toString(), "--from", backups.toString());
        assertEquals(2, again.code, "restoring over existing data is refused");
        assertTrue(again.err.contains("already has data"), again.err);

        servers.set(2, DynamoServer.start(conf("n3")));
        // before the repair n3 holds the backup's state: k20 as it was, none of the later keys
        assertEquals(List.of("before-20"), local(2, "k20"));
        assertEquals(List.of(), local(2, "k70"));

        Cli repair = Cli.run("repair", "--http", "127.0.0.1:" + web[2], "--node-only", "--poll-ms", "100");
        assertEquals(0, repair.code, repair.err);

        for (int i = 0; i < 100; i++) {
            String key = "k" + i;
            String want = expected.get(key);
            GetResult r = servers.get(2).node().get("default", bytes(key), new RequestOptions(3, null, null)).join();
            if (want == null) {
                assertFalse(r.isFound(), key + " was deleted and stays deleted");
                assertEquals(List.of(), local(2, key), key + ": no live value on the restored node");
            } else {
                assertTrue(r.isFound(), key + " is readable");
                assertEquals(want, new String(r.value(), StandardCharsets.UTF_8), key);
                assertEquals(List.of(want), local(2, key), key + " on the restored node after the repair");
            }
        }
        // the restored node writes under its new name, and its writes are read back
        put(2, "k20", "after-restore");
        GetResult r = servers.get(0).node().get("default", bytes("k20"), new RequestOptions(3, null, null)).join();
        assertEquals("after-restore", new String(r.value(), StandardCharsets.UTF_8));
        assertEquals(1, r.siblings().size(), "the new write supersedes the old one, no sibling");
        closeAll();
    }

    @Test
    void aMemoryTableHasNoBackupAndTheOperatorIsToldWhy() throws Exception {
        Path conf = home.resolve("solo/conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("node.properties"), "node.id = solo\nbinary.port = 0\nhttp.port = 0\n");
        Files.writeString(conf.resolve("tables/default.properties"), "n = 1\nengine = memory\n");
        try (DynamoServer solo = DynamoServer.start(conf)) {
            Cli cli = Cli.run("backup", "--table", "default", "--dest", home.resolve("b").toString(), "--http",
                    solo.httpAddress(), "--node-only");
            assertEquals(2, cli.code);
            assertTrue(cli.err.startsWith("error bad_request: "), cli.err);
            assertTrue(cli.err.contains("table 'default' (engine memory) on node solo: this engine keeps its data in"
                    + " memory only"), cli.err);
            assertFalse(Files.exists(home.resolve("b/solo/default")), "nothing left behind");

            Cli relative = Cli.run("backup", "--table", "default", "--dest", "relative/dir", "--http",
                    solo.httpAddress());
            assertEquals(2, relative.code);
            assertTrue(relative.err.contains("--dest must be an absolute path"), relative.err);
        }
    }

    // ---------------------------------------------------------------- cluster

    private void startCluster() throws Exception {
        bin = new int[] {freePort(), freePort(), freePort()};
        web = new int[] {freePort(), freePort(), freePort()};
        String members = "n1@127.0.0.1:" + bin[0] + ":" + web[0] + ", n2@127.0.0.1:" + bin[1] + ":" + web[1]
                + ", n3@127.0.0.1:" + bin[2] + ":" + web[2];
        for (int i = 0; i < 3; i++) {
            String id = "n" + (i + 1);
            Path conf = conf(id);
            Files.createDirectories(conf.resolve("tables"));
            Files.writeString(conf.resolve("node.properties"), "node.id = " + id + "\ncluster.nodes = " + members
                    + "\nq = 16\ndata.dir = data\nmembership.gossip-interval-ms = 100\n");
            Files.writeString(conf.resolve("tables/default.properties"), TABLE);
            servers.add(DynamoServer.start(conf));
        }
    }

    private Path conf(String id) {
        return home.resolve(id).resolve("conf");
    }

    private void closeAll() {
        for (DynamoServer s : servers) {
            s.close();
        }
        servers.clear();
    }

    @org.junit.jupiter.api.AfterEach
    void stop() {
        closeAll();
    }

    private void put(int node, String key, String value) {
        DynamoServer s = servers.get(node);
        GetResult current = s.node().get("default", bytes(key), new RequestOptions(2, null, null)).join();
        Context context = current.context();
        s.node().put("default", bytes(key), context, bytes(value), new RequestOptions(null, 2, null)).join();
    }

    private void delete(int node, String key) {
        DynamoServer s = servers.get(node);
        GetResult current = s.node().get("default", bytes(key), new RequestOptions(2, null, null)).join();
        s.node().delete("default", bytes(key), current.context(), new RequestOptions(null, 2, null)).join();
    }

    /** The live values the node's own replica holds for the key (no request to other nodes). */
    private List<String> local(int node, String key) {
        Table table = servers.get(node).node().table("default");
        int partition = servers.get(node).node().cluster().ring().partitionOf(bytes(key), table.partitioner());
        return table.store().get(partition, bytes(key)).versions().stream().filter(v -> !v.tombstone())
                .map(Version::value).map(v -> new String(v, StandardCharsets.UTF_8)).sorted().toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** One command line run in-process. */
    private record Cli(int code, String out, String err) {
        static Cli run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(new ByteArrayInputStream(new byte[0]), Map.of(), new PrintWriter(out, true),
                    new PrintWriter(err, true), args);
            return new Cli(code, out.toString(), err.toString());
        }
    }
}
