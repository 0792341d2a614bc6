package dev.dynamo.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo local}: a cluster of N nodes on loopback, each its own JVM, until Ctrl-C
 * or SIGTERM, which stops every node gracefully. See {@link LocalCluster} for the layout.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Starts a cluster on 127.0.0.1, one JVM per node, with tables 'default' (lww) and 'cart'"
                       + " (cart-union), prints its endpoints, and runs until Ctrl-C or SIGTERM, which stops every"
                       + " node cleanly.",
                       "Node i (1-based) serves HTTP on BASE+i and the binary protocol on BASE-1000+i:"
                       + " 8081.. and 7081.. by default."})
final class LocalCommand implements Callable<Integer> {

    /** Environment variable with the JVM options of every node. */
    static final String JAVA_OPTS_ENV = "DYNAMO_NODE_JAVA_OPTS";
    static final String DEFAULT_JAVA_OPTS = "-Xmx512m";

    @Option(names = "--nodes", defaultValue = "3", paramLabel = "N",
            description = "Number of nodes, 1 to " + LocalCluster.MAX_NODES + "; default ${DEFAULT-VALUE}."
                    + " Fewer than 3 shrink the tables' n, r and w to fit.")
    int nodes;

    @Option(names = "--base-port", defaultValue = "8080", paramLabel = "BASE",
            description = "HTTP of node i on BASE+i, binary protocol on BASE-1000+i; default ${DEFAULT-VALUE}.")
    int basePort;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the nodes keep configuration, data and logs (DIR/n1, DIR/n2, ...), kept after the"
                    + " stop. Default: a temporary directory, deleted after the stop.")
    Path dataDir;

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

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "An extra node.properties setting of every node, e.g. --set anti-entropy.interval-ms=5000"
                    + " (repeatable; checked by the nodes at start).")
    Map<String, String> nodeSettings = new LinkedHashMap<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (waitSeconds < 1 || stopSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--wait-seconds and --stop-seconds must be at least 1");
        }
        try {
            LocalCluster.layout(nodes, basePort, Path.of("")); // checks the options before anything is created
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("dynamo-local-") : dataDir.toAbsolutePath().normalize();
        List<LocalCluster.Node> layout = LocalCluster.layout(nodes, basePort, dir);
        try {
            dev.dynamo.core.spi.Plugins.engine(engine);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--engine: " + e.getMessage());
        }
        LocalCluster cluster = new LocalCluster(layout, engine, nodeSettings, javaCommand());

        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean stoppedByUs = new AtomicBoolean();
        // the hook stops whatever was launched so far, so a SIGTERM during start leaves no node behind
        Thread hook = new Thread(() -> {
            stoppedByUs.set(true);
            int launched = cluster.processes().size();
            if (launched > 0) {
                out.println();
                out.println("stopping " + launched + " node(s)...");
                out.flush();
            }
            cluster.stop(Duration.ofSeconds(stopSeconds), out);
            if (temporary) {
                LocalCluster.deleteTree(dir);
            } else {
                out.println("data kept in " + dir);
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

        printEndpoints(out, cluster, dir, temporary);
        for (int i = 0; i < layout.size(); i++) {
            LocalCluster.Node node = layout.get(i);
            Process p = cluster.processes().get(i);
            p.onExit().thenRun(() -> {
                if (!cluster.isStopping()) {
                    out.println("node " + node.id() + " (pid " + p.pid() + ") exited with code " + p.exitValue());
                    out.flush();
                }
            });
        }
        cluster.allExited().thenRun(() -> {
            if (!cluster.isStopping()) {
                done.countDown();
            }
        });
        done.await();
        if (!stoppedByUs.get()) {
            // every node exited on its own (killed one by one): nothing left to run
            err.println("error: every node has exited; stopping");
            err.flush();
            if (Runtime.getRuntime().removeShutdownHook(hook)) {
                hook.run();
            }
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
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

    private static void printEndpoints(PrintWriter out, LocalCluster cluster, Path dir, boolean temporary) {
        List<LocalCluster.Node> nodes = cluster.nodes();
        out.println("dynamo local cluster: " + nodes.size() + " node(s) on " + LocalCluster.HOST + ", data in " + dir
                + (temporary ? " (deleted on stop)" : ""));
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "HTTP", "BINARY", "PID", "LOG"});
        for (int i = 0; i < nodes.size(); i++) {
            LocalCluster.Node n = nodes.get(i);
            rows.add(new String[] {n.id(), "http://" + n.httpAddress(), n.binaryAddress(),
                    String.valueOf(cluster.processes().get(i).pid()), n.log().toString()});
        }
        StatusCommand.printTable(out, rows);
        out.println();
        out.println("tables: " + cluster.tables().stream().map(LocalCluster.Table::describe)
                .collect(Collectors.joining(", ")));
        out.println();
        LocalCluster.Node first = nodes.get(0);
        LocalCluster.Node second = nodes.get(Math.min(1, nodes.size() - 1));
        String seed = first.binaryAddress().equals(KeyCommand.DEFAULT_SEED) ? "" : " --seed " + first.binaryAddress();
        String http = first.httpAddress().equals(StatusCommand.DEFAULT_HTTP) ? "" : " --http " + first.httpAddress();
        out.println("try it (write through " + first.id() + ", read through " + second.id() + "):");
        out.println("  curl -sS -X PUT --data-binary 'hello' http://" + first.httpAddress()
                + "/tables/default/keys/greeting && curl -sS http://" + second.httpAddress()
                + "/tables/default/keys/greeting; echo");
        out.println("  bin/dynamo get --table default" + seed + " greeting");
        out.println("  bin/dynamo status" + http);
        out.println();
        out.println("Ctrl-C or SIGTERM stops every node.");
        out.flush();
    }
}
