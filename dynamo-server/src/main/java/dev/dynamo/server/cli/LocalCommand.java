package dev.dynamo.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo local}: a cluster of N nodes on loopback, each its own JVM, until Ctrl-C,
 * SIGTERM or {@code quit}, which stop every node gracefully. While it runs, {@link LocalConsole}
 * reads commands (kill, stop, start a node...) from the standard input. See {@link LocalCluster}
 * for the layout.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Starts a cluster on 127.0.0.1, one JVM per node, with tables 'default' (lww) and 'cart'"
                       + " (cart-union), prints its endpoints, and runs until Ctrl-C, SIGTERM or 'quit', which stop"
                       + " every node cleanly.",
                       "While it runs it reads commands from its standard input, one per line: kill N, stop N,"
                       + " start N, status, help, quit (N: n2 or 2). The end of the input does not stop it.",
                       "Node i (1-based) serves HTTP on BASE+i and the binary protocol on BASE-1000+i:"
                       + " 8081.. and 7081.. by default.",
                       "With --secure every node has mutual TLS on the binary port, HTTPS and passwords on the HTTP"
                       + " API; the CA, the certificates and the admin password are written to DIR/secure"
                       + " (docs/security.md)."})
final class LocalCommand implements Callable<Integer> {

    /** Environment variable with the JVM options of every node. */
    static final String JAVA_OPTS_ENV = "DYNAMO_NODE_JAVA_OPTS";
    static final String DEFAULT_JAVA_OPTS = "-Xmx512m";

    @Option(names = "--nodes", defaultValue = "3", paramLabel = "N",
            description = "Number of nodes, 1 to " + LocalCluster.MAX_NODES + "; default ${DEFAULT-VALUE}."
                    + " Fewer than 3 shrink the tables' n, r and w to fit.")
    int nodes;

    @Option(names = "--zones", defaultValue = "1", paramLabel = "Z",
            description = "Spread the nodes over Z zones (zone1, zone2, ...; node i in zone ((i-1) mod Z)+1), as if"
                    + " in Z data centers: every key gets replicas in as many zones as its n allows; default"
                    + " ${DEFAULT-VALUE} (no zones).")
    int zones;

    @Option(names = "--base-port", defaultValue = "8080", paramLabel = "BASE",
            description = "HTTP of node i on BASE+i, binary protocol on BASE-1000+i; default ${DEFAULT-VALUE}.")
    int basePort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the nodes keep configuration, data and logs (DIR/n1, DIR/n2, ...), kept after the"
                    + " stop. Default: a temporary directory, whose configuration and data are deleted after the"
                    + " stop (the logs are kept).")
    Path dataDir;

    @Option(names = "--delete-logs",
            description = "Delete the nodes' logs (DIR/n*/node.log) on stop too; by default they are kept and"
                    + " their place printed.")
    boolean deleteLogs;

    @Option(names = "--wait-seconds", defaultValue = "60", paramLabel = "S",
            description = "How long to wait for every node to answer /health; default ${DEFAULT-VALUE}.")
    int waitSeconds;

    @Option(names = "--stop-seconds", defaultValue = "30", paramLabel = "S",
            description = "How long a node may take to stop after SIGTERM before it is killed;"
                    + " default ${DEFAULT-VALUE}.")
    int stopSeconds;

    @Option(names = "--engine", defaultValue = "mvstore", paramLabel = "ENGINE",
            description = "Storage engine of both tables: mvstore, bdb, rocksdb or memory; default ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--secure",
            description = "Switch security on: a new CA, node and client certificates, mutual TLS on the binary"
                    + " port, HTTPS and HTTP passwords (user admin, a random password in DIR/secure/"
                    + LocalSecurity.PASSWORD_FILE + ", owner-only). A --data-dir of an earlier --secure run"
                    + " reuses its material, after checking it. Default: plaintext, no passwords.")
    boolean secure;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "An extra node.properties setting of every node, e.g. --set anti-entropy.interval-ms=5000"
                    + " (repeatable; checked by the nodes at start).")
    Map<String, String> nodeSettings = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (waitSeconds < 1 || stopSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--wait-seconds and --stop-seconds must be at least 1");
        }
        try {
            LocalCluster.layout(nodes, basePort, Path.of(""), zones); // checks the options before anything is created
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (secure) {
            for (String key : nodeSettings.keySet()) {
                if (LocalSecurity.isOwnSetting(key)) {
                    throw new ParameterException(spec.commandLine(), "--set " + key + ": --secure sets the tls.*,"
                            + " http.tls and http.auth.* settings itself");
                }
            }
        }
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("dynamo-local-") : dataDir.toAbsolutePath().normalize();
        List<LocalCluster.Node> layout = LocalCluster.layout(nodes, basePort, dir, zones);
        try {
            dev.dynamo.core.spi.Plugins.engine(engine);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--engine: " + e.getMessage());
        }
        LocalSecurity security = null;
        if (secure) {
            try {
                security = LocalSecurity.prepare(dir, layout.stream().map(LocalCluster.Node::id).toList(),
                        java.time.Clock.systemUTC());
            } catch (IOException | RuntimeException e) {
                err.println("error: the local cluster did not start: cannot prepare its certificates and password: "
                        + e.getMessage());
                err.flush();
                if (temporary) {
                    LocalCluster.deleteTree(dir);
                }
                return ExitCodes.ERROR;
            }
        }
        LocalCluster cluster = new LocalCluster(layout, engine, nodeSettings, javaCommand(), security);

        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean stoppedByUs = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        // the hook stops whatever was launched so far, so a SIGTERM during start leaves no node behind
        Thread hook = new Thread(() -> {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            stoppedByUs.set(true);
            int launched = (int) cluster.processes().stream().filter(Process::isAlive).count();
            if (launched > 0) {
                out.println();
                out.println("stopping " + launched + " node(s)...");
                out.flush();
            }
            cluster.stop(Duration.ofSeconds(stopSeconds), out);
            List<Path> logs = cluster.cleanUp(dir, temporary, deleteLogs);
            if (!temporary) {
                out.println("data kept in " + dir);
                cluster.security().ifPresent(sec -> out.println("certificates and the admin password kept in "
                        + sec.dir() + " (the next 'local --secure --data-dir " + dir + "' reuses them)"));
            }
            if (!logs.isEmpty()) {
                out.println("logs kept in " + (logs.size() == 1 ? logs.get(0) : dir.resolve("n*").resolve("node.log"))
                        + (deleteLogs ? "" : " (--delete-logs deletes them on stop)"));
            }
            out.flush();
            done.countDown();
        }, "dynamo-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        try {
            cluster.checkPortsFree();
            cluster.writeConfigs();
            cluster.launch();
            cluster.awaitHealthy(Duration.ofSeconds(waitSeconds));
        } catch (RuntimeException e) {
            err.println("error: the local cluster did not start: " + e.getMessage());
            err.flush();
            if (Runtime.getRuntime().removeShutdownHook(hook)) {
                hook.run(); // not shutting down yet: stop the nodes that did start, here
            }
            return ExitCodes.ERROR;
        }

        AtomicBoolean quit = new AtomicBoolean();
        AtomicBoolean allExited = new AtomicBoolean();
        LocalConsole[] console = new LocalConsole[1];
        console[0] = new LocalConsole(cluster, out, Duration.ofSeconds(waitSeconds), Duration.ofSeconds(stopSeconds),
                () -> {
                    quit.set(true);
                    done.countDown();
                },
                () -> {
                    if (console[0].allExitedOnTheirOwn()) {
                        allExited.set(true);
                        done.countDown();
                    }
                });
        printEndpoints(out, cluster, dir, temporary, deleteLogs);
        for (int i = 0; i < layout.size(); i++) {
            console[0].watch(layout.get(i), cluster.process(i));
        }
        Thread commands = new Thread(() -> console[0].run(new BufferedReader(
                new InputStreamReader(main.stdin(), Charset.defaultCharset()))), "dynamo-local-commands");
        commands.setDaemon(true); // the end of the input ends the commands, not the cluster
        commands.start();
        done.await();
        if (stoppedByUs.get()) {
            return ExitCodes.OK; // Ctrl-C or SIGTERM: the hook stopped the cluster
        }
        if (!quit.get() && allExited.get()) {
            // every node exited on its own (killed one by one): nothing left to run
            err.println("error: every node has exited; stopping");
            err.flush();
        }
        try {
            if (Runtime.getRuntime().removeShutdownHook(hook)) {
                hook.run();
            }
        } catch (IllegalStateException e) {
            // already shutting down: the hook stops the cluster
        }
        return quit.get() ? ExitCodes.OK : ExitCodes.ERROR;
    }

    /** The same java, JVM options from {@value #JAVA_OPTS_ENV}, and this JVM's class path. */
    static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        String opts = System.getenv().getOrDefault(JAVA_OPTS_ENV, DEFAULT_JAVA_OPTS).trim();
        if (!opts.isEmpty()) {
            command.addAll(List.of(opts.split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private static void printEndpoints(PrintWriter out, LocalCluster cluster, Path dir, boolean temporary,
            boolean deleteLogs) {
        List<LocalCluster.Node> nodes = cluster.nodes();
        LocalSecurity security = cluster.security().orElse(null);
        out.println("dynamo local cluster: " + nodes.size() + " node(s) on " + LocalCluster.HOST + ", data in " + dir
                + (temporary ? (deleteLogs ? " (deleted on stop)" : " (deleted on stop, but the logs)")
                        : (deleteLogs ? " (kept on stop, but the logs)" : "")));
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "ZONE", "HTTP", "BINARY", "PID", "LOG"});
        for (int i = 0; i < nodes.size(); i++) {
            LocalCluster.Node n = nodes.get(i);
            rows.add(new String[] {n.id(), n.zone(), cluster.httpUrl(n),
                    n.binaryAddress() + (security == null ? "" : " (TLS)"),
                    String.valueOf(cluster.process(i).pid()), n.log().toString()});
        }
        boolean zoned = nodes.stream().map(LocalCluster.Node::zone).distinct().count() > 1;
        StatusCommand.printTable(out, zoned ? rows : StatusCommand.withoutColumn(rows, 1));
        out.println();
        out.println("tables: " + cluster.tables().stream().map(LocalCluster.Table::describe)
                .collect(Collectors.joining(", ")));
        out.println();
        if (security != null) {
            printSecurity(out, security, temporary);
        }
        LocalCluster.Node first = nodes.get(0);
        LocalCluster.Node second = nodes.get(Math.min(1, nodes.size() - 1));
        String seed = first.binaryAddress().equals(KeyCommand.DEFAULT_SEED) ? "" : " --seed " + first.binaryAddress();
        out.println("try it (write through " + first.id() + ", read through " + second.id() + "):");
        if (security == null) {
            String http = first.httpAddress().equals(StatusCommand.DEFAULT_HTTP) ? "" : " --http " + first.httpAddress();
            out.println("  curl -sS -X PUT --data-binary 'hello' http://" + first.httpAddress()
                    + "/tables/default/keys/greeting && curl -sS http://" + second.httpAddress()
                    + "/tables/default/keys/greeting; echo");
            out.println("  bin/dynamo get --table default" + seed + " greeting");
            out.println("  bin/dynamo status" + http);
        } else {
            String ca = shell(security.caCertificate().toString());
            // curl hides the -u argument from ps once it has read it; the password itself is never printed
            String curl = "curl -sS --cacert " + ca + " -u \"" + LocalSecurity.ADMIN + ":$(cat "
                    + shell(security.passwordFile().toString()) + ")\"";
            String tls = " --tls-cert " + shell(security.client().certificate().toString()) + " --tls-key "
                    + shell(security.client().privateKey().toString()) + " --tls-ca " + ca;
            out.println("  " + curl + " -X PUT --data-binary 'hello' " + cluster.httpUrl(first)
                    + "/tables/default/keys/greeting && " + curl + " " + cluster.httpUrl(second)
                    + "/tables/default/keys/greeting; echo");
            out.println("  bin/dynamo put --table default" + seed + tls + " greeting hello");
            out.println("  bin/dynamo get --table default" + seed + tls + " greeting");
            out.println("  bin/dynamo status --http " + cluster.httpUrl(first) + " --cacert " + ca + " --user "
                    + LocalSecurity.ADMIN + " --password-file " + shell(security.passwordFile().toString()));
        }
        out.println();
        out.println(LocalConsole.HINT);
        out.println("Ctrl-C, SIGTERM or 'quit' stops every node.");
        out.flush();
    }

    /** Where the CA, the client certificate and the password are; never the password itself. */
    private static void printSecurity(PrintWriter out, LocalSecurity security, boolean temporary) {
        out.println("secure: mutual TLS on the binary port (nodes and clients need a certificate of the cluster CA),"
                + " HTTPS with passwords on the HTTP API; " + (security.created() ? "material created in "
                : "material of an earlier run reused from ") + security.dir()
                + (temporary ? " (deleted on stop)" : ""));
        out.println("  CA certificate      " + security.caCertificate() + "   (curl --cacert, --cacert, --tls-ca)");
        out.println("  client certificate  " + security.client().certificate() + ", key "
                + security.client().privateKey() + "   (--tls-cert, --tls-key: get, put, delete)");
        out.println("  HTTP user           " + LocalSecurity.ADMIN + " (roles " + LocalSecurity.ADMIN_ROLES.stream()
                .map(Object::toString).sorted().collect(Collectors.joining(",")) + "), its password in "
                + security.passwordFile() + " (readable by you only)");
        out.println("  CA key              " + security.caKey() + " (issues certificates: bin/dynamo certs --dir "
                + security.dir() + " --extend ...)");
        out.println();
    }

    /** {@code text} as one shell word: as it is when it holds no special character, else in single quotes. */
    static String shell(String text) {
        if (!text.isEmpty() && text.chars().allMatch(c -> Character.isLetterOrDigit(c) || "_./:=@,+-%".indexOf(c) >= 0)) {
            return text;
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
