package dev.dynamo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo repair [--table T]}: starts Merkle-tree anti-entropy on every node (or one
 * with {@code --node-only}) through {@code POST /repair}, then follows {@code GET /repair}
 * until every node has finished, printing progress.
 */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Runs Merkle-tree anti-entropy now: each node compares its trees with every other replica of"
                       + " the partitions it holds and exchanges only the keys that differ.",
                       "Prints progress until every node is done. Exit code 2 when a node cannot be reached."})
final class RepairCommand implements Callable<Integer> {

    @Option(names = "--table", paramLabel = "TABLE", description = "Repair only this table (default: all tables).")
    String table;

    @Option(names = "--node-only", description = "Repair from the --http node only, not from every node.")
    boolean nodeOnly;

    @Mixin
    FollowOptions follow;

    @Mixin
    HttpAccessOptions httpAccess;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpAccess access;
        try {
            access = httpAccess.access(follow.http, main, err);
        } catch (IllegalArgumentException e) {
            return KeyCommand.error(err, "bad_request", e.getMessage());
        }
        AdminHttp api = new AdminHttp(follow.timeoutMillis, access);
        String query = table == null ? "" : "?table=" + URLEncoder.encode(table, StandardCharsets.UTF_8);
        try {
            List<String> nodes = api.nodes(follow.http, nodeOnly);
            for (String node : nodes) {
                JsonNode started = api.post(node, "/repair" + query);
                out.printf("%s: %s%n", node, started.path("started").asBoolean()
                        ? "repair started" + (table == null ? "" : " for table " + table)
                        : "a repair was already running; following it");
            }
            out.flush();
            if (follow.noWait) {
                return ExitCodes.OK;
            }
            return follow(api, nodes, out);
        } catch (AdminHttp.Refused e) {
            return KeyCommand.error(err, e.code(), e.getMessage());
        } catch (IOException e) {
            return KeyCommand.error(err, "unreachable", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.ERROR;
        }
    }

    private int follow(AdminHttp api, List<String> nodes, PrintWriter out) throws IOException, InterruptedException {
        long deadline = follow.deadlineNanos();
        Map<String, JsonNode> last = new LinkedHashMap<>();
        while (true) {
            boolean running = false;
            for (String node : nodes) {
                JsonNode p = api.get(node, "/repair");
                last.put(node, p);
                running |= p.path("running").asBoolean();
            }
            for (Map.Entry<String, JsonNode> e : last.entrySet()) {
                JsonNode p = e.getValue();
                out.printf("%s: %s partitions %d/%d, %d key(s) repaired, %d bytes exchanged%n", e.getKey(),
                        p.path("running").asBoolean() ? "running" : "done   ", p.path("partitions_done").asInt(),
                        p.path("partitions_total").asInt(), p.path("keys_repaired").asLong(),
                        p.path("bytes_exchanged").asLong());
            }
            out.flush();
            if (!running) {
                out.println("repair complete");
                out.flush();
                return ExitCodes.OK;
            }
            if (System.nanoTime() > deadline) {
                out.println("still running after " + follow.maxWaitSeconds + " s; follow it with GET /repair");
                out.flush();
                return ExitCodes.OK;
            }
            follow.pause();
        }
    }
}
