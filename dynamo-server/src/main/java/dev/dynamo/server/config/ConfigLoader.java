package dev.dynamo.server.config;

import dev.dynamo.api.Context;
import dev.dynamo.core.coordination.RequestLimits;
import dev.dynamo.core.membership.MemberSyntax;
import dev.dynamo.core.membership.MembershipConfig;
import dev.dynamo.core.ring.NodeInfo;
import dev.dynamo.core.ring.Ring;
import dev.dynamo.core.node.NodeConfig;
import dev.dynamo.core.node.NodeOptions;
import dev.dynamo.core.spi.MessageLimit;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.UnknownPluginException;
import dev.dynamo.core.table.QuorumScope;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.version.ContextLimits;
import dev.dynamo.http.HttpApiServer;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Parses a configuration directory into a {@link ServerConfig}:
 *
 * <pre>
 * conf/node.properties            this node and the cluster (docs/operating.md, "Configuration", lists every key)
 * conf/tables/default.properties  one file per table; the table is named after the file
 * conf/tables/cart.properties
 * </pre>
 *
 * A bad file fails with the file, the key, the value and what is allowed; an unknown
 * key fails too (typo protection), except under the plugin prefixes {@code engine.},
 * {@code reconciler.} and {@code transport.}.
 *
 * <pre>{@code
 * ServerConfig config = ConfigLoader.load(Path.of("conf"));
 * TableConfig cart = ConfigLoader.loadTable(Path.of("conf/tables/cart.properties"));
 * }</pre>
 */
public final class ConfigLoader {

    public static final String NODE_FILE = "node.properties";
    public static final String TABLES_DIR = "tables";
    public static final String TABLE_SUFFIX = ".properties";
    /** Data directories of system tables (hints) start with this, so user tables may not. */
    public static final String RESERVED_PREFIX = "__";

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_DATA_DIR = "data";
    public static final int DEFAULT_Q = 64;
    public static final int MAX_Q = 65536;
    public static final int DEFAULT_MAX_CLOCK_ENTRIES = 10;
    public static final String DEFAULT_TRANSPORT = "netty";

    public static final int DEFAULT_N = 3;
    public static final int DEFAULT_R = 2;
    public static final int DEFAULT_W = 2;
    public static final String DEFAULT_ENGINE = "mvstore";
    public static final String DEFAULT_RECONCILER = "lww";
    public static final String DEFAULT_PARTITIONER = "md5";
    public static final long MAX_TIMEOUT_MILLIS = 3_600_000;
    /**
     * Bytes a message that carries one value needs beyond the value: its type, the table's name,
     * the partition, the key, the version clock (up to {@code clock.max-entries} node ids and
     * counters) and a hint's target. A table's {@code max-value-bytes} plus this must fit in the
     * transport's largest message.
     */
    public static final int MESSAGE_ENVELOPE_BYTES = 64 * 1024;

    private static final List<String> NODE_KEYS = List.of("node.id", "host", "binary.port", "http.port", "data.dir",
            "capacity", "zone", "q", "cluster.nodes", "clock.max-entries", "transport", "transport.<name>.*",
            "system.engine", "failure.suspect-after", "failure.probe-interval-ms", "hints.interval-ms",
            "hints.batch", "anti-entropy.interval-ms", "anti-entropy.keys-per-second", "tombstone.grace-ms",
            "tombstone.gc-interval-ms", "seeds", "membership.gossip-interval-ms", "membership.phi-threshold",
            "membership.phi-acceptable-pause-ms", "membership.transfer-chunk-keys",
            "membership.max-concurrent-transfers", "membership.move-batch-partitions", "membership.cleanup-delay-ms",
            "http.max-connections", "http.max-in-flight", "http.max-queued-requests", "http.idle-timeout-ms",
            "http.linger-max-bytes", "http.linger-ms", "http.max-request-line-bytes", "http.max-header-bytes",
            // HTTP password authentication (docs/security.md)
            HttpAuthSettings.FILE, HttpAuthSettings.CACHE_SIZE, HttpAuthSettings.RELOAD_INTERVAL,
            HttpAuthSettings.ALLOW_PLAINTEXT,
            // limits on what peers send (docs/limits.md, "Peers and background work")
            "membership.transfer-chunk-bytes", "membership.max-members", "membership.max-seeds",
            MembershipConfig.MAX_RING_VERSION_JUMP,
            "anti-entropy.max-digests", "anti-entropy.cross-zone-keys-per-second",
            // limits on clients' requests (docs/limits.md, "Requests")
            RequestLimits.MAX_KEY_BYTES_SETTING, RequestLimits.MAX_TIMEOUT_SETTING, ContextLimits.MAX_ENTRIES_SETTING,
            ContextLimits.MAX_COUNTER_SETTING, ContextLimits.MAX_KEY_ENTRIES_SETTING);
    private static final List<String> TABLE_KEYS = List.of("n", "r", "w", "engine", "reconciler", "partitioner",
            "durability", "max-value-bytes", "timeout-ms", "max-siblings", "warn-siblings", "quorum", "engine.<name>.*",
            "reconciler.<name>.*");

    private ConfigLoader() {
    }

    /**
     * Parses {@code confDir/node.properties} and every {@code confDir/tables/*.properties}.
     * Relative paths inside (the data directory) resolve against the parent of
     * {@code confDir}, the node's home: {@code /srv/dynamo/conf} with {@code data.dir=data}
     * keeps data in {@code /srv/dynamo/data}.
     *
     * @throws ConfigException for a missing or invalid file, naming it
     */
    public static ServerConfig load(Path confDir) {
        if (!Files.isDirectory(confDir)) {
            throw new ConfigException(confDir, "configuration directory not found (expected " + NODE_FILE + " and "
                    + TABLES_DIR + "/<table>" + TABLE_SUFFIX + " inside)");
        }
        Path nodeFile = confDir.resolve(NODE_FILE);
        NodeSettings node = parseNode(ConfigFile.read(nodeFile), confDir);
        Map<String, TableConfig> tables = new TreeMap<>();
        Map<String, Path> files = new TreeMap<>();
        for (Path file : tableFiles(confDir.resolve(TABLES_DIR))) {
            TableConfig t = loadTable(file);
            tables.put(t.name(), t);
            files.put(t.name(), file);
        }
        ServerConfig config = new ServerConfig(confDir, node.node, node.q, node.members, node.transport,
                node.transportProperties, new ArrayList<>(tables.values()), files, node.options, node.membership,
                node.seeds, node.joining, node.http, node.tls, node.httpAuth);
        checkValuesFitMessages(config);
        return config;
    }

    /**
     * Fails unless the TLS files of {@code node.properties} (if any) can be used and name this
     * node: see {@link TlsSettings#check}. Reads the files, so a node calls it when it starts.
     *
     * @throws ConfigException naming {@code node.properties}, the setting and the file at fault
     */
    public static void checkTls(ServerConfig config) {
        config.tls().check(config.confDir().resolve(NODE_FILE), config.node().id());
    }

    /**
     * Fails when a table accepts values its transport could never carry to the replicas: its
     * {@code max-value-bytes} plus {@link #MESSAGE_ENVELOPE_BYTES} over the transport's largest
     * message (for {@code netty}: {@code transport.netty.max-frame-bytes} less the frame header).
     * Also fails, naming {@code node.properties}, when the transport refuses its settings.
     *
     * @throws ConfigException naming the table file, {@code max-value-bytes}, its value and the
     *                         transport's limit
     */
    public static void checkValuesFitMessages(ServerConfig config) {
        Path nodeFile = config.confDir().resolve(NODE_FILE);
        Optional<MessageLimit> found = messageLimit(config);
        if (found.isEmpty()) {
            return;
        }
        MessageLimit limit = found.get();
        // the envelope has room for a key of the default max-key-bytes; a longer allowed key takes more
        long envelope = MESSAGE_ENVELOPE_BYTES + Math.max(0,
                (long) config.options().requestLimits().maxKeyBytes() - RequestLimits.MAX_KEY_BYTES);
        long largestValue = Math.max(0, (long) limit.maxBytes() - envelope);
        for (TableConfig t : config.tables()) {
            if (t.maxValueBytes() > largestValue) {
                throw new ConfigException(config.tableFile(t.name()), "key 'max-value-bytes' = '" + t.maxValueBytes()
                        + "': values this large could never be replicated: transport '" + config.transport()
                        + "' carries messages of at most " + limit.maxBytes() + " bytes (" + limit.setting() + " = "
                        + limit.settingValue() + " in " + nodeFile + ") and a value's message needs "
                        + envelope + " bytes besides the value (key, version clock, table); must be"
                        + " at most " + largestValue + ", or raise " + limit.setting());
            }
        }
    }

    /**
     * The largest message of the node's transport, when it has a limit: a node refuses writes
     * that would make a key's versions larger (docs/limits.md, "Siblings").
     *
     * @throws ConfigException naming {@code node.properties} when the transport is unknown or
     *                         refuses its settings
     */
    public static Optional<MessageLimit> messageLimit(ServerConfig config) {
        Path nodeFile = config.confDir().resolve(NODE_FILE);
        try {
            return Plugins.transport(config.transport()).messageLimit(config.transportProperties());
        } catch (UnknownPluginException e) {
            throw new ConfigException(nodeFile, "key 'transport' = '" + config.transport() + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(nodeFile, e.getMessage(), e);
        }
    }

    private static Path home(Path confDir) {
        Path abs = confDir.toAbsolutePath().normalize();
        return abs.getParent() == null ? abs : abs.getParent();
    }

    private static List<Path> tableFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(dir, "table directory not found: create " + dir.resolve("<table>" + TABLE_SUFFIX)
                    + " for each table");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                // editor leftovers and hidden files are not tables
                if (name.startsWith(".") || name.endsWith("~") || Files.isDirectory(p)) {
                    continue;
                }
                if (!name.endsWith(TABLE_SUFFIX)) {
                    throw new ConfigException(p, "only <table>" + TABLE_SUFFIX + " files belong in " + dir);
                }
                files.add(p);
            }
        } catch (IOException e) {
            throw new ConfigException(dir, "cannot list: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new ConfigException(dir, "no tables configured: add " + dir.resolve("<table>" + TABLE_SUFFIX)
                    + " (an empty file gives a table with default settings)");
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    // ---------------------------------------------------------------- node.properties

    private record NodeSettings(NodeConfig node, int q, List<ClusterMember> members, String transport,
                                Map<String, String> transportProperties, NodeOptions options,
                                MembershipConfig membership, List<String> seeds, boolean joining,
                                HttpApiServer.Options http, TlsSettings tls, HttpAuthSettings httpAuth) {
    }

    private static NodeSettings parseNode(ConfigFile f, Path confDir) {
        Path home = home(confDir);
        String id = f.required("node.id", "this node's id (letters, digits, '-', '_'), e.g. node.id = n1");
        if (!TableConfig.NAME.matcher(id).matches()) {
            throw f.invalid("node.id", id, "must be 1 to 64 letters, digits, '-' or '_'");
        }

        // cluster.nodes first: this node's own entry gives defaults for host, ports and capacity
        List<ClusterMember> listed = new ArrayList<>();
        Optional<String> clusterNodes = f.optional("cluster.nodes");
        if (clusterNodes.isPresent()) {
            Map<String, ClusterMember> byId = new LinkedHashMap<>();
            for (String entry : clusterNodes.get().split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                ClusterMember m;
                try {
                    m = ClusterMember.parse(entry);
                } catch (IllegalArgumentException e) {
                    throw f.invalid("cluster.nodes", clusterNodes.get(), e.getMessage());
                }
                if (byId.put(m.id(), m) != null) {
                    throw f.invalid("cluster.nodes", clusterNodes.get(), "node id '" + m.id() + "' is listed twice");
                }
            }
            listed.addAll(byId.values());
            if (listed.isEmpty()) {
                throw f.invalid("cluster.nodes", clusterNodes.get(), "must list at least this node, as "
                        + ClusterMember.FORM);
            }
        }
        ClusterMember own = listed.stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
        if (clusterNodes.isPresent() && own == null) {
            throw f.invalid("cluster.nodes", clusterNodes.get(), "must include this node '" + id + "' (node.id) as "
                    + id + "@host:binaryPort:httpPort");
        }

        String host = f.string("host", own != null ? own.host() : DEFAULT_HOST);
        // peers drop gossiped addresses that are not host:port in printable ASCII, at most 255 characters
        if (host.isEmpty() || !MemberSyntax.isGossipAddress(host + ":65535")) {
            throw f.invalid("host", host, "must be a host name or address in printable ASCII without spaces, at most "
                    + (MemberSyntax.MAX_GOSSIP_ADDRESS_CHARS - 6) + " characters, e.g. 127.0.0.1");
        }
        int binaryPort = port(f, "binary.port", own == null ? null : own.binaryPort());
        int httpPort = port(f, "http.port", own == null ? null : own.httpPort());
        if (binaryPort != 0 && binaryPort == httpPort) {
            throw f.invalid("http.port", String.valueOf(httpPort), "must differ from binary.port");
        }
        double capacity = f.positive("capacity", own != null ? own.capacity() : 1.0);
        String zone = f.string("zone", own != null ? own.zone() : NodeInfo.DEFAULT_ZONE);
        if (!NodeInfo.isValidZone(zone)) {
            throw f.invalid("zone", zone, "must be " + NodeInfo.ZONE_RULE
                    + " (the data center or rack this node runs in), e.g. zone = dc1");
        }

        ClusterMember self = new ClusterMember(id, host, binaryPort, httpPort, capacity, zone);
        List<ClusterMember> members = new ArrayList<>();
        if (own == null) {
            members.add(self);
        } else {
            if (!own.equals(self)) {
                // every node must compute the same ring and reach this one where it listens
                throw f.invalid("cluster.nodes", clusterNodes.orElseThrow(), "this node's entry '" + own
                        + "' disagrees with host/binary.port/http.port/capacity/zone (" + self
                        + "); make them equal or drop those keys so the entry is used");
            }
            members.addAll(listed);
        }
        members.sort(Comparator.comparing(ClusterMember::id));
        if (members.size() > 1) {
            for (ClusterMember m : members) {
                if (m.binaryPort() == 0 || m.httpPort() == 0) {
                    throw f.invalid(own == null ? "binary.port" : "cluster.nodes",
                            own == null ? String.valueOf(binaryPort) : clusterNodes.orElseThrow(),
                            "port 0 (any free port) is only allowed for a one-node cluster; node '" + m.id()
                                    + "' needs fixed ports");
                }
            }
        }

        String dataDirText = f.string("data.dir", DEFAULT_DATA_DIR);
        if (dataDirText.isEmpty()) {
            throw f.invalid("data.dir", dataDirText, "must be a directory path (relative paths resolve against "
                    + home + ")");
        }
        Path dataDir;
        try {
            dataDir = home.resolve(dataDirText).normalize();
        } catch (RuntimeException e) {
            // InvalidPathException on a character the file system refuses
            throw f.invalid("data.dir", dataDirText, "is not a valid path: " + e.getMessage());
        }

        int q = f.integer("q", DEFAULT_Q, Math.max(1, members.size()), MAX_Q,
                "between " + Math.max(1, members.size()) + " and " + MAX_Q
                        + " (the number of partitions; at least one per node)");
        int maxClock = f.integer("clock.max-entries", DEFAULT_MAX_CLOCK_ENTRIES, 1, 1024, "between 1 and 1024");

        String transport = f.string("transport", DEFAULT_TRANSPORT);
        plugin(f, "transport", transport, Plugins::transport);
        Map<String, String> transportProperties = f.pluginProperties("transport.", transport);

        NodeOptions options = parseOptions(f).withRequestLimits(parseRequestLimits(f));
        MembershipConfig membership = parseMembership(f, options);
        List<String> seeds = new ArrayList<>();
        Optional<String> seedsText = f.optional("seeds");
        if (seedsText.isPresent()) {
            for (String seed : seedsText.get().split(",")) {
                String sd = seed.trim();
                if (sd.isEmpty()) {
                    continue;
                }
                int colon = sd.lastIndexOf(':');
                boolean ok = colon > 0 && colon < sd.length() - 1 && sd.substring(colon + 1).chars()
                        .allMatch(Character::isDigit) && sd.substring(colon + 1).length() <= 5
                        && Integer.parseInt(sd.substring(colon + 1)) <= 65535;
                if (!ok) {
                    throw f.invalid("seeds", seedsText.get(), "must be comma-separated binary addresses host:port of"
                            + " running nodes, e.g. 10.0.0.1:7081; '" + sd + "' is not one");
                }
                seeds.add(sd);
            }
        } else {
            // every other configured member is a seed
            members.stream().filter(m -> !m.id().equals(id)).forEach(m -> seeds.add(m.binaryAddress()));
        }
        if (seeds.size() > membership.maxSeeds()) {
            if (seedsText.isPresent()) {
                throw f.invalid("seeds", seedsText.get(), seeds.size() + " seeds are more than membership.max-seeds = "
                        + membership.maxSeeds() + "; list fewer or raise it");
            }
            // the other members, by id: every node of a large cluster picks the same ones
            seeds.subList(membership.maxSeeds(), seeds.size()).clear();
        }
        boolean joining = clusterNodes.isEmpty() && !seeds.isEmpty();

        HttpApiServer.Options http = parseHttp(f);
        HttpAuthSettings httpAuth = parseHttpAuth(f, home);

        // mutual TLS of the binary port (docs/security.md); the files are read when the node starts
        TlsSettings tls = TlsSettings.parse(f, confDir, transport, transportProperties);

        List<String> allowed = new ArrayList<>(NODE_KEYS);
        allowed.addAll(TlsSettings.KEYS);
        f.rejectUnknownKeys(allowed);
        NodeConfig node = new NodeConfig(id, host, binaryPort, httpPort, dataDir, capacity, maxClock, zone);
        return new NodeSettings(node, q, members, transport, transportProperties, options, membership, seeds, joining,
                http, tls, httpAuth);
    }

    /** The HTTP port's limits (docs/limits.md, "HTTP port"); defaults are {@link HttpApiServer.Options#DEFAULT}. */
    private static HttpApiServer.Options parseHttp(ConfigFile f) {
        HttpApiServer.Options d = HttpApiServer.Options.DEFAULT;
        int maxCount = (int) HttpApiServer.Options.MAX_COUNT;
        String count = "between 1 and " + maxCount;
        long minIdle = HttpApiServer.Options.MIN_IDLE_TIMEOUT_MILLIS;
        long maxIdle = HttpApiServer.Options.MAX_IDLE_TIMEOUT_MILLIS;
        long maxLingerBytes = HttpApiServer.Options.MAX_LINGER_BYTES;
        long maxLingerMillis = HttpApiServer.Options.MAX_LINGER_MILLIS;
        int minHead = HttpApiServer.Options.MIN_HEAD_BYTES;
        int maxHead = HttpApiServer.Options.MAX_HEAD_BYTES;
        String head = "between " + minHead + " and " + maxHead + " (bytes)";
        return d.withMaxConnections(f.integer("http.max-connections", d.maxConnections(), 1, maxCount,
                        count + " (open HTTP connections)"))
                .withMaxInFlight(f.integer("http.max-in-flight", d.maxInFlight(), 1, maxCount,
                        count + " (HTTP requests served at once)"))
                .withMaxQueuedRequests(f.integer("http.max-queued-requests", d.maxQueuedRequests(), 1, maxCount,
                        count + " (HTTP requests waiting for a worker thread)"))
                .withIdleTimeout(Duration.ofMillis(f.longInteger("http.idle-timeout-ms", d.idleTimeout().toMillis(),
                        minIdle, maxIdle, "between " + minIdle + " and " + maxIdle + " (milliseconds)")))
                .withLinger(f.longInteger("http.linger-max-bytes", d.lingerBytes(), 0, maxLingerBytes,
                                "between 0 (close at once) and " + maxLingerBytes + " (bytes)"),
                        Duration.ofMillis(f.longInteger("http.linger-ms", d.lingerTime().toMillis(), 0,
                                maxLingerMillis, "between 0 (close at once) and " + maxLingerMillis
                                        + " (milliseconds)")))
                .withMaxRequestLineBytes(f.integer("http.max-request-line-bytes", d.maxRequestLineBytes(), minHead,
                        maxHead, head))
                .withMaxHeaderBytes(f.integer("http.max-header-bytes", d.maxHeaderBytes(), minHead, maxHead, head));
    }

    // ---------------------------------------------------------------- http.auth.*

    /**
     * Password authentication of the HTTP API (docs/security.md, "HTTP users and roles"). The
     * credentials file is read and checked now, so that a bad line fails the start with the
     * file and line number; {@link HttpAuthSettings#OFF} when {@code http.auth.file} is absent.
     */
    private static HttpAuthSettings parseHttpAuth(ConfigFile f, Path home) {
        int cacheSize = f.integer(HttpAuthSettings.CACHE_SIZE, HttpAuthSettings.DEFAULT_CACHE_SIZE, 0,
                HttpAuthSettings.MAX_CACHE_SIZE, "between 0 (no cache) and " + HttpAuthSettings.MAX_CACHE_SIZE
                        + " (successful password checks remembered)");
        long reload = f.longInteger(HttpAuthSettings.RELOAD_INTERVAL, HttpAuthSettings.DEFAULT_RELOAD_INTERVAL_MILLIS,
                0, HttpAuthSettings.MAX_RELOAD_INTERVAL_MILLIS, "between 0 (never) and "
                        + HttpAuthSettings.MAX_RELOAD_INTERVAL_MILLIS + " (milliseconds between checks of the file)");
        boolean allowPlaintext = Boolean.parseBoolean(f.choice(HttpAuthSettings.ALLOW_PLAINTEXT, "false",
                List.of("true", "false")));
        Optional<String> fileText = f.optional(HttpAuthSettings.FILE);
        if (fileText.isEmpty()) {
            return new HttpAuthSettings(null, cacheSize, reload, allowPlaintext);
        }
        String text = fileText.get();
        Path file;
        try {
            file = text.isBlank() ? null : home.resolve(text).normalize();
        } catch (RuntimeException e) {
            // InvalidPathException on a character the file system refuses
            throw f.invalid(HttpAuthSettings.FILE, text, "is not a valid path: " + e.getMessage());
        }
        if (file == null) {
            throw f.invalid(HttpAuthSettings.FILE, text, "must be the path of the HTTP credentials file (relative"
                    + " paths resolve against " + home + "); leave the key out for an API without passwords");
        }
        try {
            Credentials.load(file, cacheSize);
        } catch (CredentialsException e) {
            throw new ConfigException(f.path(), "key '" + HttpAuthSettings.FILE + "' = '" + text + "': "
                    + e.getMessage() + " (create users with: bin/dynamo users add --file " + file
                    + " --name NAME --roles ROLES)", e);
        }
        return new HttpAuthSettings(file, cacheSize, reload, allowPlaintext);
    }

    /** Gossip, phi accrual and transfer settings; failure settings shared with {@link NodeOptions}. */
    private static MembershipConfig parseMembership(ConfigFile f, NodeOptions options) {
        MembershipConfig d = MembershipConfig.DEFAULTS;
        long day = 24L * 3600 * 1000;
        long gossip = f.longInteger("membership.gossip-interval-ms", d.gossipIntervalMillis(), 10, 600_000,
                "between 10 and 600000");
        double phi = f.positive("membership.phi-threshold", d.phiThreshold());
        long pause = f.longInteger("membership.phi-acceptable-pause-ms", d.phiAcceptablePauseMillis(), 0, day,
                "between 0 and " + day + " (silence tolerated beyond the usual heartbeat interval)");
        int chunkKeys = f.integer("membership.transfer-chunk-keys", d.transferChunkKeys(), 1, 1_000_000,
                "between 1 and 1000000");
        int concurrent = f.integer("membership.max-concurrent-transfers", d.maxConcurrentTransfers(), 1, 1024,
                "between 1 and 1024");
        int batch = f.integer("membership.move-batch-partitions", d.moveBatchPartitions(), 1, 65536,
                "between 1 and 65536 (partitions switching owner per ring version)");
        long cleanup = f.longInteger("membership.cleanup-delay-ms", d.cleanupDelayMillis(), 0, day,
                "between 0 and " + day);
        int chunkBytes = f.integer("membership.transfer-chunk-bytes", d.transferChunkBytes(), 1024, 256 << 20,
                "between 1024 and " + (256 << 20) + " (about the bytes of one partition transfer chunk)");
        int maxMembers = f.integer("membership.max-members", d.maxMembers(), 1, Ring.MAX_NODES,
                "between 1 and " + Ring.MAX_NODES + " (member entries kept from gossip)");
        int maxSeeds = f.integer("membership.max-seeds", d.maxSeeds(), 1, 4096, "between 1 and 4096");
        long maxJump = f.longInteger(MembershipConfig.MAX_RING_VERSION_JUMP, d.maxRingVersionJump(), 1,
                1L << 40, "between 1 and " + (1L << 40) + " (ring versions a gossiped ring may be ahead)");
        return new MembershipConfig(gossip, Math.max(d.gossipTimeoutMillis(), 2 * gossip), phi,
                d.phiMinStdDevMillis(), pause, d.phiMaxSamples(), options.failuresToSuspect(),
                options.probeIntervalMillis(), chunkKeys, chunkBytes, concurrent, batch, cleanup, maxMembers, maxSeeds,
                maxJump);
    }

    /** The background machinery's settings; defaults are {@link NodeOptions#DEFAULTS}. */
    private static NodeOptions parseOptions(ConfigFile f) {
        NodeOptions d = NodeOptions.DEFAULTS;
        String systemEngine = f.string("system.engine", d.systemEngine());
        plugin(f, "system.engine", systemEngine, Plugins::engine);
        long day = 24L * 3600 * 1000;
        return new NodeOptions(systemEngine,
                f.integer("failure.suspect-after", d.failuresToSuspect(), 1, 1000,
                        "between 1 and 1000 (consecutive failed requests before a peer is skipped)"),
                f.longInteger("failure.probe-interval-ms", d.probeIntervalMillis(), 1, day, "between 1 and " + day),
                f.longInteger("hints.interval-ms", d.hintIntervalMillis(), 1, day, "between 1 and " + day),
                f.integer("hints.batch", d.hintBatchSize(), 1, 1_000_000,
                        "between 1 and 1000000 (hints sent per target per round)"),
                f.longInteger("tombstone.grace-ms", d.tombstoneGraceMillis(), 1, 365 * day,
                        "between 1 and " + 365 * day + " (how long a tombstone outlives its delete)"),
                f.longInteger("anti-entropy.interval-ms", d.antiEntropyIntervalMillis(), 0, day,
                        "between 0 (off) and " + day),
                f.integer("anti-entropy.keys-per-second", d.antiEntropyKeysPerSecond(), 1, 100_000_000,
                        "between 1 and 100000000 (keys repaired per second at most)"),
                f.longInteger("tombstone.gc-interval-ms", d.tombstoneGcIntervalMillis(), 0, day,
                        "between 0 (off) and " + day),
                f.integer("anti-entropy.max-digests", d.antiEntropyMaxDigests(), 1, 1_000_000,
                        "between 1 and 1000000 (key digests in one anti-entropy answer)"),
                f.integer("anti-entropy.cross-zone-keys-per-second", d.antiEntropyCrossZoneKeysPerSecond(), 1,
                        100_000_000, "between 1 and 100000000 (keys repaired per second at most with nodes of other"
                                + " zones)"));
    }

    /** The limits on clients' requests (docs/limits.md, "Requests"); the transport's message limit is added at start. */
    private static RequestLimits parseRequestLimits(ConfigFile f) {
        RequestLimits d = RequestLimits.DEFAULT;
        int keyBytes = f.integer(RequestLimits.MAX_KEY_BYTES_SETTING, d.maxKeyBytes(), 1,
                RequestLimits.MAX_KEY_BYTES_CEILING, "between 1 and " + RequestLimits.MAX_KEY_BYTES_CEILING
                        + " (bytes of a key)");
        long timeout = f.longInteger(RequestLimits.MAX_TIMEOUT_SETTING, d.maxTimeoutMillis(), 1,
                RequestLimits.MAX_TIMEOUT_CEILING, "between 1 and " + RequestLimits.MAX_TIMEOUT_CEILING
                        + " (milliseconds a client may ask a request to take)");
        int entries = f.integer(ContextLimits.MAX_ENTRIES_SETTING, d.context().maxEntries(), 1, Context.MAX_ENTRIES,
                "between 1 and " + Context.MAX_ENTRIES + " (entries in a write's context)");
        long counter = f.longInteger(ContextLimits.MAX_COUNTER_SETTING, d.context().maxCounter(),
                ContextLimits.MAX_COUNTER_FLOOR, ContextLimits.MAX_COUNTER_CEILING, "between "
                        + ContextLimits.MAX_COUNTER_FLOOR + " (2^32) and " + ContextLimits.MAX_COUNTER_CEILING
                        + " (2^62)");
        // half of max-entries by default, so that contexts merged from several replicas still fit a request
        int keyEntries = f.integer(ContextLimits.MAX_KEY_ENTRIES_SETTING, Math.max(1, entries / 2), 1, entries,
                "between 1 and " + ContextLimits.MAX_ENTRIES_SETTING + " (" + entries + ")");
        return d.withMaxKeyBytes(keyBytes).withMaxTimeoutMillis(timeout)
                .withContext(new ContextLimits(entries, counter, keyEntries));
    }

    private static int port(ConfigFile f, String key, Integer fromEntry) {
        String rule = "between 0 and 65535 (0: any free port, one-node clusters only)";
        if (fromEntry == null) {
            String raw = f.required(key, "an integer " + rule + ", or list this node in cluster.nodes");
            return f.parseInt(key, raw, 0, 65535, rule);
        }
        return f.integer(key, fromEntry, 0, 65535, rule);
    }

    // ---------------------------------------------------------------- tables/<table>.properties

    /**
     * Parses one table file; the table is named after the file ({@code cart.properties}
     * is table {@code cart}).
     *
     * @throws ConfigException naming the file, the key, the value and what is allowed
     */
    public static TableConfig loadTable(Path file) {
        String fileName = file.getFileName().toString();
        if (!fileName.endsWith(TABLE_SUFFIX)) {
            throw new ConfigException(file, "a table file must be named <table>" + TABLE_SUFFIX);
        }
        String name = fileName.substring(0, fileName.length() - TABLE_SUFFIX.length());
        if (!TableConfig.NAME.matcher(name).matches()) {
            throw new ConfigException(file, "table name '" + name + "' (the file name) must be 1 to 64 letters,"
                    + " digits, '-' or '_'");
        }
        if (name.startsWith(RESERVED_PREFIX)) {
            throw new ConfigException(file, "table name '" + name + "' (the file name) must not start with '"
                    + RESERVED_PREFIX + "': such names are reserved for the node's system tables");
        }
        return parseTable(ConfigFile.read(file), name);
    }

    static TableConfig parseTable(ConfigFile f, String name) {
        int n = f.integer("n", DEFAULT_N, 1, 1024, "between 1 and 1024 (replicas per key)");
        String quorumRule = "between 1 and n=" + n;
        // a table with n=1 must not fail for the default quorum of 2
        int r = f.integer("r", Math.min(DEFAULT_R, n), 1, n, quorumRule);
        int w = f.integer("w", Math.min(DEFAULT_W, n), 1, n, quorumRule);

        String engine = f.string("engine", DEFAULT_ENGINE);
        plugin(f, "engine", engine, Plugins::engine);
        String reconciler = f.string("reconciler", DEFAULT_RECONCILER);
        plugin(f, "reconciler", reconciler, Plugins::reconciler);
        String partitioner = f.string("partitioner", DEFAULT_PARTITIONER);
        plugin(f, "partitioner", partitioner, Plugins::partitioner);

        String durabilityText = f.choice("durability", "buffered", List.of("buffered", "sync"));
        TableConfig.Durability durability = TableConfig.Durability.valueOf(durabilityText.toUpperCase(Locale.ROOT));
        int maxValueBytes = f.integer("max-value-bytes", TableConfig.DEFAULT_MAX_VALUE_BYTES, 0, Integer.MAX_VALUE,
                "between 0 and " + Integer.MAX_VALUE + " (bytes)");
        long timeoutMillis = f.longInteger("timeout-ms", TableConfig.DEFAULT_TIMEOUT_MILLIS, 1, MAX_TIMEOUT_MILLIS,
                "between 1 and " + MAX_TIMEOUT_MILLIS + " (milliseconds)");
        int maxSiblings = f.integer("max-siblings", TableConfig.DEFAULT_MAX_SIBLINGS, 1,
                TableConfig.LARGEST_MAX_SIBLINGS, "between 1 and " + TableConfig.LARGEST_MAX_SIBLINGS
                        + " (siblings a write that supersedes none may leave a key with)");
        int warnSiblings = f.integer("warn-siblings", Math.min(TableConfig.DEFAULT_WARN_SIBLINGS, maxSiblings), 1,
                maxSiblings, "between 1 and max-siblings=" + maxSiblings + " (siblings past which a write logs a"
                        + " warning)");

        QuorumScope quorum = QuorumScope.parse(f.choice("quorum", "all", List.of("all", "local", "each")));

        Map<String, String> engineProperties = f.pluginProperties("engine.", engine);
        Map<String, String> reconcilerProperties = f.pluginProperties("reconciler.", reconciler);
        f.rejectUnknownKeys(TABLE_KEYS);
        try {
            // reconcilers check their properties when created; doing it here names the file
            Plugins.reconciler(reconciler).create(name, reconcilerProperties);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(f.path(), e.getMessage(), e);
        }
        return new TableConfig(name, n, r, w, engine, reconciler, partitioner, durability, maxValueBytes,
                timeoutMillis, engineProperties, reconcilerProperties, maxSiblings, warnSiblings, quorum);
    }

    private static void plugin(ConfigFile f, String key, String name, Consumer<String> lookup) {
        try {
            lookup.accept(name);
        } catch (UnknownPluginException e) {
            throw new ConfigException(f.path(), "key '" + key + "' = '" + name + "': " + e.getMessage(), e);
        }
    }
}
