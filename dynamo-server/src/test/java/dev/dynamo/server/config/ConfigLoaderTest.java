package dev.dynamo.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.cluster.ClusterState;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.table.QuorumScope;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.http.HttpApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String MINIMAL_NODE = "node.id = n1\nbinary.port = 7081\nhttp.port = 8081\n";

    @TempDir
    Path home;

    private Path conf() {
        return home.resolve("conf");
    }

    private Path write(String relative, String text) throws IOException {
        Path p = conf().resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private Path node(String text) throws IOException {
        return write("node.properties", text);
    }

    private Path table(String name, String text) throws IOException {
        return write("tables/" + name + ".properties", text);
    }

    private ConfigException fails() {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(conf()));
    }

    private String failure(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return fails().getMessage();
    }

    // ---------------------------------------------------------------- valid configurations

    @Test
    void minimalConfigurationTakesEveryDefault() throws IOException {
        node(MINIMAL_NODE);
        table("default", "");

        ServerConfig c = ConfigLoader.load(conf());

        NodeConfig n = c.node();
        assertEquals("n1", n.id());
        assertEquals("127.0.0.1", n.host());
        assertEquals(7081, n.binaryPort());
        assertEquals(8081, n.httpPort());
        assertEquals(home.toAbsolutePath().resolve("data").normalize(), n.dataDir());
        assertEquals(1.0, n.capacity());
        assertEquals(10, n.maxClockEntries());
        assertEquals(64, c.q());
        assertEquals("netty", c.transport());
        assertEquals(List.of(new ClusterMember("n1", "127.0.0.1", 7081, 8081, 1.0)), c.members());

        TableConfig t = c.tables().get(0);
        assertEquals(new TableConfig("default", 3, 2, 2, "mvstore", "lww", "md5", TableConfig.Durability.BUFFERED,
                1048576, 2000, Map.of(), Map.of()), t);
        assertEquals(conf().resolve("tables/default.properties"), c.tableFile("default"));
    }

    @Test
    void everyKeyIsRead() throws IOException {
        node("""
                # a comment
                node.id = n2
                host = localhost
                binary.port = 7002
                http.port = 8002
                data.dir = /var/lib/dynamo
                capacity = 2.5
                q = 128
                cluster.nodes = n2@localhost:7002:8002/2.5, n1@localhost:7001:8001
                clock.max-entries = 20
                transport = local
                transport.local.some-setting = x
                transport.netty.ignored = y
                """);
        table("cart", """
                n = 2
                r = 1
                w = 2
                engine = memory
                reconciler = cart-union
                partitioner = murmur3
                durability = sync
                max-value-bytes = 4096
                timeout-ms = 500
                engine.memory.x = 1
                engine.rocksdb.y = 2
                """);
        ServerConfig c = ConfigLoader.load(conf());

        assertEquals(new NodeConfig("n2", "localhost", 7002, 8002, Path.of("/var/lib/dynamo"), 2.5, 20), c.node());
        assertEquals(128, c.q());
        assertEquals("local", c.transport());
        assertEquals(Map.of("some-setting", "x"), c.transportProperties());
        assertEquals(List.of("n1", "n2"), c.members().stream().map(ClusterMember::id).toList(),
                "members sorted by id");
        assertEquals(new TableConfig("cart", 2, 1, 2, "memory", "cart-union", "murmur3", TableConfig.Durability.SYNC,
                4096, 500, Map.of("x", "1"), Map.of()), c.tables().get(0));
    }

    @Test
    void tablesAreNamedAfterTheirFilesAndSorted() throws IOException {
        node(MINIMAL_NODE);
        table("zeta", "n = 1");
        table("alpha", "n = 1");
        write("tables/.hidden", "garbage");
        write("tables/alpha.properties~", "garbage");
        List<String> names = ConfigLoader.load(conf()).tables().stream().map(TableConfig::name).toList();
        assertEquals(List.of("alpha", "zeta"), names);
    }

    @Test
    void quorumDefaultsShrinkToASmallN() throws IOException {
        node(MINIMAL_NODE);
        table("solo", "n = 1");
        TableConfig t = ConfigLoader.load(conf()).tables().get(0);
        assertEquals(1, t.r());
        assertEquals(1, t.w());
    }

    @Test
    void relativeDataDirResolvesAgainstTheParentOfTheConfDir() throws IOException {
        node(MINIMAL_NODE + "data.dir = store/n1\n");
        table("default", "");
        Path expected = home.toAbsolutePath().resolve("store/n1").normalize();
        assertEquals(expected, ConfigLoader.load(conf()).node().dataDir());
    }

    @Test
    void ownClusterEntryGivesHostPortsAndCapacity() throws IOException {
        node("node.id = b\ncluster.nodes = a@10.0.0.1:7000:8000, b@10.0.0.2:7001:8001/3\n");
        table("default", "");
        NodeConfig n = ConfigLoader.load(conf()).node();
        assertEquals("10.0.0.2", n.host());
        assertEquals(7001, n.binaryPort());
        assertEquals(8001, n.httpPort());
        assertEquals(3.0, n.capacity());
    }

    @Test
    void zonesComeFromTheClusterEntriesAndReachTheRing() throws IOException {
        table("default", "");
        node("node.id = b\ncluster.nodes = a@10.0.0.1:7000:8000;zone=dc1, b@10.0.0.2:7001:8001/3;zone=dc2,"
                + " c@10.0.0.3:7002:8002\nq = 16\n");
        ServerConfig c = ConfigLoader.load(conf());
        assertEquals("dc2", c.node().zone());
        Ring ring = c.clusterState().ring();
        assertEquals("dc1", ring.zoneOf("a").orElseThrow());
        assertEquals("dc2", ring.zoneOf("b").orElseThrow());
        assertEquals(NodeInfo.DEFAULT_ZONE, ring.zoneOf("c").orElseThrow());
        // the node's own zone key may repeat its entry's zone, never contradict it
        node("node.id = b\nzone = dc2\ncluster.nodes = a@h:7000:8000, b@h:7001:8001;zone=dc2\n");
        assertEquals("dc2", ConfigLoader.load(conf()).node().zone());
        Path f = node("node.id = b\nzone = dc3\ncluster.nodes = a@h:7000:8000, b@h:7001:8001;zone=dc2\n");
        String m = fails().getMessage();
        assertTrue(m.startsWith(f + ": key 'cluster.nodes'") && m.contains("disagrees with host/binary.port/http.port"
                + "/capacity/zone (b@h:7001:8001;zone=dc3)"), m);
    }

    @Test
    void aJoiningNodeTakesItsZoneFromItsZoneKey() throws IOException {
        table("default", "");
        node(MINIMAL_NODE + "seeds = 10.0.0.1:7000\nzone = dc-east_2\n");
        ServerConfig c = ConfigLoader.load(conf());
        assertTrue(c.joining());
        assertEquals("dc-east_2", c.node().zone());
        assertEquals("dc-east_2", c.self().zone());
    }

    @Test
    void zoneErrors() throws IOException {
        table("default", "");
        Path f = node(MINIMAL_NODE + "zone = dc 1\n");
        assertEquals(f + ": key 'zone' = 'dc 1': must be 1 to 64 letters, digits, '-' or '_' (the data center or"
                + " rack this node runs in), e.g. zone = dc1", fails().getMessage());
        String m = failure(f, "node.id = a\ncluster.nodes = a@h:1:2;zone=d.c\n");
        assertTrue(m.startsWith(f + ": key 'cluster.nodes' = 'a@h:1:2;zone=d.c': entry 'a@h:1:2;zone=d.c' is not")
                && m.contains("zone 'd.c' must be 1 to 64 letters, digits, '-' or '_'"), m);
        m = failure(f, "node.id = a\ncluster.nodes = a@h:1:2;rack=r1\n");
        assertTrue(m.contains("'rack=r1' after ';' must be zone=NAME"), m);
        m = failure(f, "node.id = a\ncluster.nodes = a@h:1:2;zone=\n");
        assertTrue(m.contains("zone '' must be"), m);
    }

    @Test
    void everyNodeComputesTheSameRingWhateverTheListOrder() throws IOException {
        table("default", "");
        node("node.id = a\ncluster.nodes = a@h:7001:8001, b@h:7002:8002, c@h:7003:8003\nq = 32\n");
        ClusterState fromA = ConfigLoader.load(conf()).clusterState();
        node("node.id = c\ncluster.nodes = c@h:7003:8003, a@h:7001:8001, b@h:7002:8002\nq = 32\n");
        ClusterState fromC = ConfigLoader.load(conf()).clusterState();
        assertEquals(fromA.ring(), fromC.ring());
        assertEquals(fromA.addresses(), fromC.addresses());
        assertEquals("h:7002", fromA.binaryAddress("b"));
        assertEquals(32, fromA.ring().q());
        assertEquals(3, fromA.ring().nodes().size());
    }

    @Test
    void portZeroIsBoundLater() throws IOException {
        node("node.id = n1\nbinary.port = 0\nhttp.port = 0\n");
        table("default", "");
        ServerConfig c = ConfigLoader.load(conf());
        assertThrows(IllegalStateException.class, c::clusterState);
        ServerConfig bound = c.withBoundPorts(40001, 40002);
        assertEquals("127.0.0.1:40001", bound.clusterState().binaryAddress("n1"));
        assertEquals(40002, bound.node().httpPort());
        assertEquals(40002, bound.self().httpPort());
    }

    @Test
    void theExampleConfigurationIsValid() {
        // the module's tests run in dynamo-server/; the example lives at the repository root
        ServerConfig c = ConfigLoader.load(Path.of("..", "conf", "example"));
        assertEquals(List.of("cart", "default"), c.tables().stream().map(TableConfig::name).toList());
        assertEquals("cart-union", c.tables().get(0).reconciler());
        assertEquals(3, c.members().size());
    }

    // ---------------------------------------------------------------- files and directories

    @Test
    void missingConfDir() {
        String m = fails().getMessage();
        assertEquals(conf() + ": configuration directory not found (expected node.properties and"
                + " tables/<table>.properties inside)", m);
    }

    @Test
    void missingNodeFile() throws IOException {
        table("default", "");
        assertEquals(conf().resolve("node.properties") + ": file not found", fails().getMessage());
    }

    @Test
    void missingTablesDir() throws IOException {
        node(MINIMAL_NODE);
        assertTrue(fails().getMessage().startsWith(conf().resolve("tables") + ": table directory not found"));
    }

    @Test
    void noTables() throws IOException {
        node(MINIMAL_NODE);
        Files.createDirectories(conf().resolve("tables"));
        assertTrue(fails().getMessage().startsWith(conf().resolve("tables") + ": no tables configured"));
    }

    @Test
    void strayFileInTablesDir() throws IOException {
        node(MINIMAL_NODE);
        table("default", "");
        Path stray = write("tables/cart.propertes", "n = 3");
        assertEquals(stray + ": only <table>.properties files belong in " + conf().resolve("tables"),
                fails().getMessage());
    }

    @Test
    void badTableName() throws IOException {
        node(MINIMAL_NODE);
        Path bad = table("my cart", "");
        assertEquals(bad + ": table name 'my cart' (the file name) must be 1 to 64 letters, digits, '-' or '_'",
                fails().getMessage());
    }

    @Test
    void reservedTableName() throws IOException {
        node(MINIMAL_NODE);
        Path bad = table("__hints", "");
        assertEquals(bad + ": table name '__hints' (the file name) must not start with '__': such names are reserved"
                + " for the node's system tables", fails().getMessage());
    }

    // ---------------------------------------------------------------- node.properties errors

    @Test
    void nodeIdMissing() throws IOException {
        table("default", "");
        Path f = node("binary.port = 1\nhttp.port = 2\n");
        assertEquals(f + ": key 'node.id' is missing: this node's id (letters, digits, '-', '_'), e.g. node.id = n1",
                fails().getMessage());
    }

    @Test
    void nodeIdInvalid() throws IOException {
        table("default", "");
        Path f = node("node.id = n 1\nbinary.port = 1\nhttp.port = 2\n");
        assertEquals(f + ": key 'node.id' = 'n 1': must be 1 to 64 letters, digits, '-' or '_'", fails().getMessage());
    }

    @Test
    void portErrors() throws IOException {
        table("default", "");
        Path f = node("");
        String rule = "must be an integer between 0 and 65535 (0: any free port, one-node clusters only)";
        assertEquals(f + ": key 'binary.port' = 'abc': " + rule,
                failure(f, "node.id = n1\nbinary.port = abc\nhttp.port = 8081\n"));
        assertEquals(f + ": key 'http.port' = '70000': " + rule,
                failure(f, "node.id = n1\nbinary.port = 7081\nhttp.port = 70000\n"));
        assertEquals(f + ": key 'binary.port' is missing: an integer between 0 and 65535 (0: any free port,"
                + " one-node clusters only), or list this node in cluster.nodes",
                failure(f, "node.id = n1\nhttp.port = 8081\n"));
        assertEquals(f + ": key 'http.port' = '7081': must differ from binary.port",
                failure(f, "node.id = n1\nbinary.port = 7081\nhttp.port = 7081\n"));
    }

    @Test
    void hostErrors() throws IOException {
        table("default", "");
        Path f = node("");
        String rule = "must be a host name or address in printable ASCII without spaces, at most 249 characters,"
                + " e.g. 127.0.0.1";
        assertEquals(f + ": key 'host' = '': " + rule, failure(f, MINIMAL_NODE + "host =\n"));
        // peers would drop this node's gossiped address
        assertEquals(f + ": key 'host' = 'h\u00f6st': " + rule, failure(f, MINIMAL_NODE + "host = h\u00f6st\n"));
        assertEquals(f + ": key 'host' = '" + "h".repeat(250) + "': " + rule,
                failure(f, MINIMAL_NODE + "host = " + "h".repeat(250) + "\n"));
        node(MINIMAL_NODE + "host = " + "h".repeat(249) + "\n");
        assertEquals("h".repeat(249), ConfigLoader.load(conf()).node().host());
    }

    @Test
    void capacityErrors() throws IOException {
        table("default", "");
        Path f = node("");
        String rule = "must be a number greater than 0, such as 1 or 2.5";
        assertEquals(f + ": key 'capacity' = '0': " + rule, failure(f, MINIMAL_NODE + "capacity = 0\n"));
        assertEquals(f + ": key 'capacity' = 'big': " + rule, failure(f, MINIMAL_NODE + "capacity = big\n"));
        assertEquals(f + ": key 'capacity' = 'Infinity': " + rule, failure(f, MINIMAL_NODE + "capacity = Infinity\n"));
    }

    @Test
    void qErrors() throws IOException {
        table("default", "");
        Path f = node("");
        assertEquals(f + ": key 'q' = '0': must be an integer between 1 and 65536 (the number of partitions;"
                + " at least one per node)", failure(f, MINIMAL_NODE + "q = 0\n"));
        assertEquals(f + ": key 'q' = '65537': must be an integer between 1 and 65536 (the number of partitions;"
                + " at least one per node)", failure(f, MINIMAL_NODE + "q = 65537\n"));
        assertEquals(f + ": key 'q' = '2': must be an integer between 3 and 65536 (the number of partitions;"
                + " at least one per node)",
                failure(f, "node.id = a\nq = 2\ncluster.nodes = a@h:1:2,b@h:3:4,c@h:5:6\n"));
    }

    @Test
    void clockErrors() throws IOException {
        table("default", "");
        Path f = node("");
        assertEquals(f + ": key 'clock.max-entries' = '0': must be an integer between 1 and 1024",
                failure(f, MINIMAL_NODE + "clock.max-entries = 0\n"));
    }

    @Test
    void dataDirErrors() throws IOException {
        table("default", "");
        Path f = node("");
        String m = failure(f, MINIMAL_NODE + "data.dir =\n");
        assertTrue(m.startsWith(f + ": key 'data.dir' = '': must be a directory path"), m);
    }

    @Test
    void unknownTransportListsTheInstalledOnes() throws IOException {
        table("default", "");
        Path f = node(MINIMAL_NODE + "transport = carrier-pigeon\n");
        String m = fails().getMessage();
        assertTrue(m.startsWith(f + ": key 'transport' = 'carrier-pigeon': transport 'carrier-pigeon' is not"
                + " installed; installed transports: "), m);
        assertTrue(m.contains("local"), m);
    }

    @Test
    void unknownNodeKeyIsATypo() throws IOException {
        table("default", "");
        Path f = node(MINIMAL_NODE + "htp.port = 8081\n");
        String m = fails().getMessage();
        assertTrue(m.startsWith(f + ": unknown key 'htp.port' = '8081'; allowed keys:"
                + " anti-entropy.cross-zone-keys-per-second, anti-entropy.interval-ms,"), m);
        for (String key : List.of("binary.port", "zone", "cluster.nodes", "http.port", "node.id", "seeds",
                "tombstone.grace-ms", "membership.gossip-interval-ms", "transport.<name>.*")) {
            assertTrue(m.contains(" " + key + ",") || m.endsWith(" " + key), key + " in " + m);
        }
    }

    @Test
    void backgroundMachineryDefaultsAndOverrides() throws IOException {
        table("default", "");
        node(MINIMAL_NODE);
        assertEquals(dev.dynamo.core.node.NodeOptions.DEFAULTS, ConfigLoader.load(conf()).options());
        node(MINIMAL_NODE + "system.engine = memory\nfailure.suspect-after = 3\nfailure.probe-interval-ms = 250\n"
                + "hints.interval-ms = 500\nhints.batch = 50\nanti-entropy.interval-ms = 0\n"
                + "anti-entropy.keys-per-second = 1000\ntombstone.grace-ms = 60000\ntombstone.gc-interval-ms = 5000\n");
        assertEquals(new dev.dynamo.core.node.NodeOptions("memory", 3, 250, 500, 50, 60_000, 0, 1000, 5000),
                ConfigLoader.load(conf()).options());
    }

    @Test
    void requestLimitsDefaultAndOverride() throws IOException {
        table("default", "");
        node(MINIMAL_NODE);
        assertEquals(dev.dynamo.core.coordination.RequestLimits.DEFAULT,
                ConfigLoader.load(conf()).options().requestLimits());
        node(MINIMAL_NODE + "max-key-bytes = 100\nrequest.max-timeout-ms = 5000\ncontext.max-entries = 64\n"
                + "context.max-counter = 4294967296\n");
        var limits = ConfigLoader.load(conf()).options().requestLimits();
        assertEquals(100, limits.maxKeyBytes());
        assertEquals(5000, limits.maxTimeoutMillis());
        assertEquals(new dev.dynamo.core.version.ContextLimits(64, 1L << 32, 32), limits.context(),
                "max-key-entries is half of max-entries unless set");
        node(MINIMAL_NODE + "context.max-entries = 64\ncontext.max-key-entries = 64\n");
        assertEquals(64, ConfigLoader.load(conf()).options().requestLimits().context().maxKeyEntries());
    }

    @Test
    void badRequestLimitsNameKeyValueAndRange() throws IOException {
        table("default", "");
        Path f = node(MINIMAL_NODE);
        assertTrue(failure(f, MINIMAL_NODE + "max-key-bytes = 0\n").startsWith(f
                + ": key 'max-key-bytes' = '0': must be an integer between 1 and 1048576"), fails().getMessage());
        assertTrue(failure(f, MINIMAL_NODE + "request.max-timeout-ms = 3600001\n").startsWith(f
                + ": key 'request.max-timeout-ms' = '3600001': must be an integer between 1 and 3600000"),
                fails().getMessage());
        assertTrue(failure(f, MINIMAL_NODE + "context.max-entries = 1025\n").startsWith(f
                + ": key 'context.max-entries' = '1025': must be an integer between 1 and 1024"), fails().getMessage());
        assertTrue(failure(f, MINIMAL_NODE + "context.max-counter = 9223372036854775807\n").startsWith(f
                + ": key 'context.max-counter' = '9223372036854775807': must be an integer between 4294967296 (2^32)"
                + " and 4611686018427387904 (2^62)"), fails().getMessage());
        assertTrue(failure(f, MINIMAL_NODE + "context.max-entries = 10\ncontext.max-key-entries = 11\n")
                .startsWith(f + ": key 'context.max-key-entries' = '11': must be an integer between 1 and"
                        + " context.max-entries (10)"), fails().getMessage());
    }

    @Test
    void aLongerKeyLimitLeavesLessRoomForValues() throws IOException {
        table("default", "max-value-bytes = 1048576\n");
        // 2 MiB frames carry a 1 MiB value with the default 64 KiB key, not with a 1 MiB key
        node(MINIMAL_NODE + "transport.netty.max-frame-bytes = 2097152\n");
        ConfigLoader.load(conf());
        node(MINIMAL_NODE + "transport.netty.max-frame-bytes = 2097152\nmax-key-bytes = 1048576\n");
        String m = fails().getMessage();
        assertTrue(m.contains("key 'max-value-bytes' = '1048576'") && m.contains("needs 1048576 bytes besides"), m);
    }

    @Test
    void badBackgroundSettingsNameKeyValueAndRange() throws IOException {
        table("default", "");
        Path f = node(MINIMAL_NODE + "hints.batch = 0\n");
        assertTrue(fails().getMessage().startsWith(f + ": key 'hints.batch' = '0': must be an integer between 1 and 1000000"),
                fails().getMessage());
        node(MINIMAL_NODE + "anti-entropy.interval-ms = soon\n");
        assertTrue(fails().getMessage().contains("key 'anti-entropy.interval-ms' = 'soon'"), fails().getMessage());
        node(MINIMAL_NODE + "system.engine = floppy\n");
        assertTrue(fails().getMessage().contains("key 'system.engine' = 'floppy'")
                && fails().getMessage().contains("installed"), fails().getMessage());
    }

    @Test
    void httpLimitsDefaultAndOverride() throws IOException {
        table("default", "");
        node(MINIMAL_NODE);
        assertEquals(HttpApiServer.Options.DEFAULT, ConfigLoader.load(conf()).http());
        node(MINIMAL_NODE + "http.max-connections = 10\nhttp.max-in-flight = 5\nhttp.max-queued-requests = 7\n"
                + "http.idle-timeout-ms = 1500\nhttp.linger-max-bytes = 0\nhttp.linger-ms = 250\n"
                + "http.max-request-line-bytes = 4096\nhttp.max-header-bytes = 8192\n");
        HttpApiServer.Options h = ConfigLoader.load(conf()).http();
        assertEquals(10, h.maxConnections());
        assertEquals(5, h.maxInFlight());
        assertEquals(7, h.maxQueuedRequests());
        assertEquals(Duration.ofMillis(1500), h.idleTimeout());
        assertEquals(0, h.lingerBytes());
        assertEquals(Duration.ofMillis(250), h.lingerTime());
        assertEquals(4096, h.maxRequestLineBytes());
        assertEquals(8192, h.maxHeaderBytes());
    }

    @Test
    void badHttpLimitsNameFileKeyValueAndRange() throws IOException {
        table("default", "");
        Path f = node("");
        assertEquals(f + ": key 'http.max-connections' = '0': must be an integer between 1 and 1000000 (open HTTP"
                + " connections)", failure(f, MINIMAL_NODE + "http.max-connections = 0\n"));
        assertEquals(f + ": key 'http.max-in-flight' = 'many': must be an integer between 1 and 1000000 (HTTP"
                + " requests served at once)", failure(f, MINIMAL_NODE + "http.max-in-flight = many\n"));
        assertEquals(f + ": key 'http.max-queued-requests' = '1000001': must be an integer between 1 and 1000000"
                + " (HTTP requests waiting for a worker thread)",
                failure(f, MINIMAL_NODE + "http.max-queued-requests = 1000001\n"));
        assertEquals(f + ": key 'http.idle-timeout-ms' = '5': must be an integer between 10 and 86400000"
                + " (milliseconds)", failure(f, MINIMAL_NODE + "http.idle-timeout-ms = 5\n"));
        assertEquals(f + ": key 'http.linger-max-bytes' = '-1': must be an integer between 0 (close at once) and"
                + " 1073741824 (bytes)", failure(f, MINIMAL_NODE + "http.linger-max-bytes = -1\n"));
        assertEquals(f + ": key 'http.linger-ms' = '600001': must be an integer between 0 (close at once) and"
                + " 600000 (milliseconds)", failure(f, MINIMAL_NODE + "http.linger-ms = 600001\n"));
        assertEquals(f + ": key 'http.max-request-line-bytes' = '100': must be an integer between 1024 and 16777216"
                + " (bytes)", failure(f, MINIMAL_NODE + "http.max-request-line-bytes = 100\n"));
        assertEquals(f + ": key 'http.max-header-bytes' = '16777217': must be an integer between 1024 and 16777216"
                + " (bytes)", failure(f, MINIMAL_NODE + "http.max-header-bytes = 16777217\n"));
    }

    @Test
    void crossZoneAntiEntropyRateIsRead() throws IOException {
        table("default", "");
        node(MINIMAL_NODE);
        assertEquals(1_000, ConfigLoader.load(conf()).options().antiEntropyCrossZoneKeysPerSecond());
        node(MINIMAL_NODE + "anti-entropy.cross-zone-keys-per-second = 250\n");
        assertEquals(250, ConfigLoader.load(conf()).options().antiEntropyCrossZoneKeysPerSecond());
        Path f = node(MINIMAL_NODE + "anti-entropy.cross-zone-keys-per-second = 0\n");
        assertEquals(f + ": key 'anti-entropy.cross-zone-keys-per-second' = '0': must be an integer between 1 and"
                + " 100000000 (keys repaired per second at most with nodes of other zones)", fails().getMessage());
    }

    @Test
    void peerLimitsAreReadAndCheckedNamingKeyAndValue() throws IOException {
        table("default", "");
        node(MINIMAL_NODE);
        ServerConfig defaults = ConfigLoader.load(conf());
        assertEquals(1024, defaults.membership().maxMembers());
        assertEquals(64, defaults.membership().maxSeeds());
        assertEquals(1 << 20, defaults.membership().transferChunkBytes());
        assertEquals(10_000, defaults.options().antiEntropyMaxDigests());
        node(MINIMAL_NODE + "membership.max-members = 100\nmembership.max-seeds = 2\n"
                + "membership.transfer-chunk-bytes = 65536\nanti-entropy.max-digests = 500\n");
        ServerConfig set = ConfigLoader.load(conf());
        assertEquals(100, set.membership().maxMembers());
        assertEquals(2, set.membership().maxSeeds());
        assertEquals(65536, set.membership().transferChunkBytes());
        assertEquals(500, set.options().antiEntropyMaxDigests());

        Path f = node(MINIMAL_NODE + "membership.max-members = 0\n");
        assertTrue(fails().getMessage().startsWith(f + ": key 'membership.max-members' = '0': must be an integer"
                + " between 1 and 65536"), fails().getMessage());
        node(MINIMAL_NODE + "anti-entropy.max-digests = lots\n");
        assertTrue(fails().getMessage().contains("key 'anti-entropy.max-digests' = 'lots'"), fails().getMessage());
        node(MINIMAL_NODE + "membership.transfer-chunk-bytes = 10\n");
        assertTrue(fails().getMessage().contains("key 'membership.transfer-chunk-bytes' = '10'"), fails().getMessage());
        node(MINIMAL_NODE + "membership.max-seeds = 2\nseeds = a:1, b:2, c:3\n");
        assertTrue(fails().getMessage().contains("key 'seeds' = 'a:1, b:2, c:3': 3 seeds are more than"
                + " membership.max-seeds = 2"), fails().getMessage());
    }

    @Test
    void malformedTransportKey() throws IOException {
        table("default", "");
        Path f = node(MINIMAL_NODE + "transport.netty = x\n");
        assertEquals(f + ": key 'transport.netty' = 'x': plugin keys must have the form transport.<plugin name>"
                + ".<property>, e.g. transport.netty.some-setting", fails().getMessage());
    }

    // ---------------------------------------------------------------- values against the transport's frames

    @Test
    void aTableWhoseValuesCannotFitInAFrameFailsNamingBothLimits() throws IOException {
        Path nodeFile = node(MINIMAL_NODE + "transport.netty.max-frame-bytes = 1048576\n");
        Path f = table("cart", ""); // the default max-value-bytes, 1048576, fills the whole frame
        ConfigException e = fails();
        assertEquals(f, e.file());
        int largest = 1048576 - 10 - ConfigLoader.MESSAGE_ENVELOPE_BYTES;
        assertEquals(f + ": key 'max-value-bytes' = '1048576': values this large could never be replicated:"
                + " transport 'netty' carries messages of at most 1048566 bytes (transport.netty.max-frame-bytes"
                + " = 1048576 in " + nodeFile + ") and a value's message needs 65536 bytes besides the value (key,"
                + " version clock, table); must be at most " + largest + ", or raise transport.netty.max-frame-bytes",
                e.getMessage());

        table("cart", "max-value-bytes = " + (largest + 1) + "\n");
        assertTrue(fails().getMessage().contains("key 'max-value-bytes' = '" + (largest + 1) + "'"));
        table("cart", "max-value-bytes = " + largest + "\n");
        assertEquals(largest, ConfigLoader.load(conf()).tables().get(0).maxValueBytes(), "the largest value that fits");
    }

    @Test
    void theDefaultFrameRefusesAValueAsLargeAsItself() throws IOException {
        node(MINIMAL_NODE);
        table("default", "max-value-bytes = 33554432\n");
        assertTrue(fails().getMessage().contains("(transport.netty.max-frame-bytes = 33554432 in"), fails().getMessage());
        table("default", "max-value-bytes = 16777216\n");
        assertEquals(16777216, ConfigLoader.load(conf()).tables().get(0).maxValueBytes());
    }

    @Test
    void badNettySettingsFailNamingTheNodeFile() throws IOException {
        table("default", "");
        Path f = node(MINIMAL_NODE + "transport.netty.max-in-flight = 0\n");
        assertEquals(f + ": transport.netty.max-in-flight: 0 is out of range; must be at least 1", fails().getMessage());
        node(MINIMAL_NODE + "transport.netty.idle-timeout-millis = soon\n");
        assertTrue(fails().getMessage().startsWith(f + ": transport.netty.idle-timeout-millis: 'soon' is not a whole"
                + " number"), fails().getMessage());
    }

    // ---------------------------------------------------------------- cluster.nodes errors

    @Test
    void clusterMustIncludeThisNode() throws IOException {
        table("default", "");
        Path f = node("node.id = c\ncluster.nodes = a@h:1:2, b@h:3:4\n");
        assertEquals(f + ": key 'cluster.nodes' = 'a@h:1:2, b@h:3:4': must include this node 'c' (node.id) as"
                + " c@host:binaryPort:httpPort", fails().getMessage());
    }

    @Test
    void clusterEntryMalformed() throws IOException {
        table("default", "");
        Path f = node("node.id = a\ncluster.nodes = a@h:1:2, b@h:3\n");
        assertEquals(f + ": key 'cluster.nodes' = 'a@h:1:2, b@h:3': entry 'b@h:3' is not"
                + " id@host:binaryPort:httpPort[/capacity][;zone=name] (expected host:binaryPort:httpPort after"
                + " '@'), e.g. n1@127.0.0.1:7081:8081 or n1@10.0.0.1:7081:8081;zone=dc1", fails().getMessage());
        String m = failure(f, "node.id = a\ncluster.nodes = a@h:1:2, b@h:x:4\n");
        assertTrue(m.contains("port 'x' is not an integer"), m);
        m = failure(f, "node.id = a\ncluster.nodes = a@h:1:2, h:3:4\n");
        assertTrue(m.contains("missing 'id@'"), m);
        m = failure(f, "node.id = a\ncluster.nodes = a@h:1:2/zero\n");
        assertTrue(m.contains("capacity 'zero' is not a number"), m);
        m = failure(f, "node.id = a\ncluster.nodes = a@h:1:99999\n");
        assertTrue(m.contains("http port must be between 0 and 65535, was 99999"), m);
        m = failure(f, "node.id = a\ncluster.nodes = ,\n");
        assertTrue(m.contains("must list at least this node"), m);
    }

    @Test
    void clusterEntryListedTwice() throws IOException {
        table("default", "");
        Path f = node("node.id = a\ncluster.nodes = a@h:1:2, a@h:3:4\n");
        assertEquals(f + ": key 'cluster.nodes' = 'a@h:1:2, a@h:3:4': node id 'a' is listed twice",
                fails().getMessage());
    }

    @Test
    void ownEntryMustAgreeWithOwnKeys() throws IOException {
        table("default", "");
        Path f = node("node.id = a\nbinary.port = 9\ncluster.nodes = a@h:1:2, b@h:3:4\n");
        assertEquals(f + ": key 'cluster.nodes' = 'a@h:1:2, b@h:3:4': this node's entry 'a@h:1:2' disagrees with"
                + " host/binary.port/http.port/capacity/zone (a@h:9:2); make them equal or drop those keys so the entry is"
                + " used", fails().getMessage());
        String m = failure(f, "node.id = a\ncapacity = 2\ncluster.nodes = a@h:1:2, b@h:3:4\n");
        assertTrue(m.contains("disagrees"), m);
    }

    @Test
    void portZeroOnlyForOneNode() throws IOException {
        table("default", "");
        Path f = node("node.id = a\ncluster.nodes = a@h:0:2, b@h:3:4\n");
        assertEquals(f + ": key 'cluster.nodes' = 'a@h:0:2, b@h:3:4': port 0 (any free port) is only allowed for a"
                + " one-node cluster; node 'a' needs fixed ports", fails().getMessage());
    }

    // ---------------------------------------------------------------- table errors

    private String tableFailure(String text) throws IOException {
        node(MINIMAL_NODE);
        Path f = table("cart", text);
        String m = fails().getMessage();
        assertTrue(m.startsWith(f + ": "), m);
        return m.substring((f + ": ").length());
    }

    @Test
    void quorumErrors() throws IOException {
        assertEquals("key 'r' = 'abc': must be an integer between 1 and n=3", tableFailure("r = abc"));
        assertEquals("key 'r' = '4': must be an integer between 1 and n=3", tableFailure("r = 4"));
        assertEquals("key 'w' = '0': must be an integer between 1 and n=3", tableFailure("w = 0"));
        assertEquals("key 'w' = '3': must be an integer between 1 and n=2", tableFailure("n = 2\nw = 3"));
        assertEquals("key 'n' = '0': must be an integer between 1 and 1024 (replicas per key)", tableFailure("n = 0"));
        assertEquals("key 'quorum' = 'quorum': must be one of all, local, each", tableFailure("quorum = quorum"));
    }

    @Test
    void quorumScopeIsRead() throws IOException {
        node(MINIMAL_NODE);
        table("a", "quorum = local\n");
        table("b", "quorum = each\n");
        table("c", "");
        assertEquals(List.of(QuorumScope.LOCAL, QuorumScope.EACH, QuorumScope.ALL),
                ConfigLoader.load(conf()).tables().stream().map(TableConfig::quorum).toList());
    }

    @Test
    void theExactMessageOfTheBrief() throws IOException {
        node(MINIMAL_NODE);
        Path f = table("cart", "r = abc\n");
        ConfigException e = fails();
        assertEquals(f + ": key 'r' = 'abc': must be an integer between 1 and n=3", e.getMessage());
        assertEquals(f, e.file());
    }

    @Test
    void unknownEngineListsTheInstalledOnes() throws IOException {
        String m = tableFailure("engine = leveldb");
        assertTrue(m.startsWith("key 'engine' = 'leveldb': engine 'leveldb' is not installed; installed engines: "), m);
        for (String engine : List.of("bdb", "memory", "mvstore", "rocksdb")) {
            assertTrue(m.contains(engine), m);
        }
    }

    @Test
    void unknownReconcilerListsTheInstalledOnes() throws IOException {
        String m = tableFailure("reconciler = newest");
        assertTrue(m.startsWith("key 'reconciler' = 'newest': reconciler 'newest' is not installed;"
                + " installed reconcilers: "), m);
        for (String reconciler : List.of("cart-union", "lww", "siblings")) {
            assertTrue(m.contains(reconciler), m);
        }
    }

    @Test
    void unknownPartitionerListsTheInstalledOnes() throws IOException {
        String m = tableFailure("partitioner = sha1");
        assertTrue(m.startsWith("key 'partitioner' = 'sha1': partitioner 'sha1' is not installed;"
                + " installed partitioners: "), m);
        assertTrue(m.contains("md5") && m.contains("murmur3"), m);
    }

    @Test
    void otherTableErrors() throws IOException {
        assertEquals("key 'durability' = 'fsync': must be one of buffered, sync", tableFailure("durability = fsync"));
        assertEquals("key 'max-value-bytes' = '-1': must be an integer between 0 and 2147483647 (bytes)",
                tableFailure("max-value-bytes = -1"));
        assertEquals("key 'max-value-bytes' = '1MB': must be an integer between 0 and 2147483647 (bytes)",
                tableFailure("max-value-bytes = 1MB"));
        assertEquals("key 'timeout-ms' = '0': must be an integer between 1 and 3600000 (milliseconds)",
                tableFailure("timeout-ms = 0"));
        assertEquals("key 'timeout-ms' = 'soon': must be an integer between 1 and 3600000 (milliseconds)",
                tableFailure("timeout-ms = soon"));
    }

    @Test
    void siblingLimitsDefaultToRiaksAndAreRead() throws IOException {
        node(MINIMAL_NODE);
        table("plain", "");
        table("strict", "max-siblings = 10\nwarn-siblings = 5");
        table("tiny", "max-siblings = 3");
        Map<String, TableConfig> t = new java.util.TreeMap<>();
        ConfigLoader.load(conf()).tables().forEach(c -> t.put(c.name(), c));

        assertEquals(List.of(100, 25), List.of(t.get("plain").maxSiblings(), t.get("plain").warnSiblings()));
        assertEquals(List.of(10, 5), List.of(t.get("strict").maxSiblings(), t.get("strict").warnSiblings()));
        assertEquals(List.of(3, 3), List.of(t.get("tiny").maxSiblings(), t.get("tiny").warnSiblings()),
                "the warning never comes after the refusal");
    }

    @Test
    void badSiblingLimitsNameKeyValueAndRange() throws IOException {
        assertEquals("key 'max-siblings' = '0': must be an integer between 1 and 10000 (siblings a write that"
                + " supersedes none may leave a key with)", tableFailure("max-siblings = 0"));
        assertEquals("key 'max-siblings' = '10001': must be an integer between 1 and 10000 (siblings a write that"
                + " supersedes none may leave a key with)", tableFailure("max-siblings = 10001"));
        assertEquals("key 'warn-siblings' = '50': must be an integer between 1 and max-siblings=20 (siblings past"
                + " which a write logs a warning)", tableFailure("max-siblings = 20\nwarn-siblings = 50"));
        assertEquals("key 'warn-siblings' = '0': must be an integer between 1 and max-siblings=100 (siblings past"
                + " which a write logs a warning)", tableFailure("warn-siblings = 0"));
    }

    @Test
    void unknownTableKeyIsATypo() throws IOException {
        assertEquals("unknown key 'nn' = '3'; allowed keys: durability, engine, engine.<name>.*, max-siblings,"
                + " max-value-bytes, n, partitioner, quorum, r, reconciler, reconciler.<name>.*, timeout-ms, w, warn-siblings",
                tableFailure("nn = 3"));
    }

    @Test
    void malformedPluginKey() throws IOException {
        assertEquals("key 'engine.mvstore' = '1': plugin keys must have the form engine.<plugin name>.<property>,"
                + " e.g. engine.mvstore.some-setting", tableFailure("engine.mvstore = 1"));
        assertEquals("key 'reconciler..x' = '1': plugin keys must have the form reconciler.<plugin name>.<property>,"
                + " e.g. reconciler.lww.some-setting", tableFailure("reconciler..x = 1"));
    }

    @Test
    void reconcilerPropertiesAreCheckedByTheReconciler() throws IOException {
        String m = tableFailure("reconciler.lww.colour = blue");
        assertTrue(m.contains("reconciler 'lww' has no property 'colour'"), m);
    }

    @Test
    void pluginKeysForOtherPluginsAreIgnored() throws IOException {
        node(MINIMAL_NODE);
        table("default", "engine.rocksdb.block-cache-mb = 64\nreconciler.siblings.x = 1\n");
        TableConfig t = ConfigLoader.load(conf()).tables().get(0);
        assertTrue(t.engineProperties().isEmpty());
        assertTrue(t.reconcilerProperties().isEmpty());
    }

    @Test
    void loadTableDirectly() throws IOException {
        Path f = table("carts", "n = 1");
        TableConfig t = ConfigLoader.loadTable(f);
        assertEquals("carts", t.name());
        assertFalse(t.durability() == TableConfig.Durability.SYNC);
        Path notProperties = write("tables/x.txt", "");
        assertEquals(notProperties + ": a table file must be named <table>.properties",
                assertThrows(ConfigException.class, () -> ConfigLoader.loadTable(notProperties)).getMessage());
    }
}
