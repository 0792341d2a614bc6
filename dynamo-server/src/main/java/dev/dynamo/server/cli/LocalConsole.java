package dev.dynamo.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The commands {@code dynamo local} reads from its standard input, one per line, while the
 * cluster runs: {@code kill N}, {@code stop N}, {@code start N}, {@code status}, {@code help},
 * {@code quit}. N is a node id ({@code n2}) or its 1-based index ({@code 2}). A bad line
 * prints one {@code error: ...} line and the loop goes on; the end of the input ends the
 * loop only, never the cluster.
 */
final class LocalConsole {

    static final String HINT = "commands (type them here, one per line): kill N | stop N | start N | status | help"
            + " | quit   (N: n2 or 2)";

    private static final String HELP = String.join("\n",
            "  kill N    kill node N's JVM at once (SIGKILL, like kill -9): a crash",
            "  stop N    stop node N gracefully (SIGTERM, then SIGKILL after --stop-seconds)",
            "  start N   start a stopped or killed node N again, same configuration and data; waits until healthy",
            "  status    the nodes, their pids and whether /health answers",
            "  help      this list",
            "  quit      stop every node and exit, as Ctrl-C",
            "  N is a node id (n2) or its 1-based index (2)");

    private final LocalCluster cluster;
    private final PrintWriter out;
    private final Duration waitTimeout;
    private final Duration stopGrace;
    private final Runnable quit;
    private final Runnable afterUnaskedExit;
    /** Node ids whose last exit a command asked for (so it is not reported as a crash). */
    private final Set<String> commanded = ConcurrentHashMap.newKeySet();

    /**
     * @param quit             what {@code quit} does: stop the cluster and end {@code local}
     * @param afterUnaskedExit runs after a node exited on its own (reported), not by a command or the stop
     */
    LocalConsole(LocalCluster cluster, PrintWriter out, Duration waitTimeout, Duration stopGrace, Runnable quit,
            Runnable afterUnaskedExit) {
        this.cluster = cluster;
        this.out = out;
        this.waitTimeout = waitTimeout;
        this.stopGrace = stopGrace;
        this.quit = quit;
        this.afterUnaskedExit = afterUnaskedExit;
    }

    /** Whether every node is down and none of them by a command: nothing is left to run. */
    boolean allExitedOnTheirOwn() {
        for (int i = 0; i < cluster.nodes().size(); i++) {
            if (cluster.isRunning(i) || commanded.contains(cluster.nodes().get(i).id())) {
                return false;
            }
        }
        return true;
    }

    /** Whether node {@code id}'s last exit was asked for by {@code kill} or {@code stop}. */
    boolean exitWasCommanded(String id) {
        return commanded.contains(id);
    }

    /** Reads and runs commands until the end of the input or {@code quit}; never throws. */
    void run(BufferedReader in) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (!handle(line)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the input is gone: the cluster runs on until Ctrl-C or SIGTERM
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one command line; returns false after {@code quit}. */
    boolean handle(String line) throws InterruptedException {
        String[] words = line.trim().split("\\s+");
        String command = words[0].toLowerCase(Locale.ROOT);
        if (command.isEmpty()) {
            return true;
        }
        try {
            switch (command) {
                case "help", "?" -> {
                    expectArgs(words, 0);
                    println(HELP);
                }
                case "status" -> {
                    expectArgs(words, 0);
                    status();
                }
                case "quit", "exit" -> {
                    expectArgs(words, 0);
                    quit.run();
                    return false;
                }
                case "kill", "stop" -> {
                    int i = node(words);
                    String id = cluster.nodes().get(i).id();
                    checkNotStopping();
                    commanded.add(id);
                    Process p;
                    try {
                        p = cluster.stopNode(i, command.equals("kill") ? null : stopGrace);
                    } catch (IllegalStateException e) {
                        commanded.remove(id);
                        throw e;
                    }
                    println((command.equals("kill") ? "killed " : "stopped ") + id + " (pid " + p.pid() + ")"
                            + (p.isAlive() ? ", still running" : ", exit code " + p.exitValue())
                            + "; 'start " + id + "' starts it again");
                }
                case "start" -> {
                    int i = node(words);
                    LocalCluster.Node node = cluster.nodes().get(i);
                    checkNotStopping();
                    Process p = cluster.launch(i);
                    if (p == null) {
                        throw new IllegalStateException("the cluster is stopping");
                    }
                    commanded.remove(node.id());
                    println("starting " + node.id() + " (pid " + p.pid() + ")...");
                    watch(node, p);
                    cluster.awaitHealthy(i, waitTimeout);
                    println("node " + node.id() + " (pid " + p.pid() + ") is up: " + cluster.httpUrl(node));
                }
                default -> throw new IllegalArgumentException("unknown command '" + words[0] + "'; try: help");
            }
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            println("error: " + e.getMessage().lines().findFirst().orElse(""));
            if (e.getMessage().contains("\n")) {
                println(e.getMessage().substring(e.getMessage().indexOf('\n') + 1));
            }
        }
        return true;
    }

    /** Reports the exit of node's JVM {@code p} unless a command or the stop asked for it. */
    void watch(LocalCluster.Node node, Process p) {
        p.onExit().thenRun(() -> {
            if (!cluster.isStopping() && !commanded.contains(node.id())) {
                println("node " + node.id() + " (pid " + p.pid() + ") exited with code " + p.exitValue()
                        + "; 'start " + node.id() + "' starts it again");
                afterUnaskedExit.run();
            }
        });
    }

    private void checkNotStopping() {
        if (cluster.isStopping()) {
            throw new IllegalStateException("the cluster is stopping");
        }
    }

    /** The 0-based index of the node named by the command's one argument. */
    private int node(String[] words) {
        if (words.length != 2) {
            throw new IllegalArgumentException("'" + words[0] + "' takes one node, e.g. '" + words[0] + " n2'");
        }
        return nodeIndex(words[1], cluster.nodes());
    }

    /** The 0-based index of node {@code arg}: its id ({@code n2}) or 1-based index ({@code 2}). */
    static int nodeIndex(String arg, List<LocalCluster.Node> nodes) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).id().equalsIgnoreCase(arg)) {
                return i;
            }
        }
        try {
            int i = Integer.parseInt(arg);
            if (i >= 1 && i <= nodes.size()) {
                return i - 1;
            }
        } catch (NumberFormatException e) {
            // not an index either
        }
        throw new IllegalArgumentException("no node '" + arg + "'; the nodes are "
                + nodes.get(0).id() + ".." + nodes.get(nodes.size() - 1).id() + " (or 1.." + nodes.size() + ")");
    }

    private static void expectArgs(String[] words, int count) {
        if (words.length - 1 != count) {
            throw new IllegalArgumentException("'" + words[0] + "' takes no argument");
        }
    }

    /** The table of nodes: id, HTTP, pid, whether the JVM runs and /health answers. */
    void status() throws InterruptedException {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "HTTP", "PID", "STATE"});
        for (int i = 0; i < cluster.nodes().size(); i++) {
            LocalCluster.Node n = cluster.nodes().get(i);
            Process p = cluster.process(i);
            String state;
            if (p == null) {
                state = "not started";
            } else if (p.isAlive()) {
                state = cluster.healthy(n) ? "up (healthy)" : "running, /health not answering";
            } else {
                state = "down (" + (commanded.contains(n.id()) ? "stopped by a command" : "exited")
                        + ", code " + p.exitValue() + ")";
            }
            rows.add(new String[] {n.id(), cluster.httpUrl(n), p == null ? "-" : String.valueOf(p.pid()),
                    state});
        }
        synchronized (out) {
            StatusCommand.printTable(out, rows);
            out.flush();
        }
    }

    private void println(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }
}
