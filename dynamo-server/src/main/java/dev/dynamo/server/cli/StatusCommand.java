package dev.dynamo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo status [--http host:port]}: asks one node for the cluster ({@code GET
 * /cluster}, {@code GET /tables}), then every node for its health, its view of the ring,
 * the hints it holds for other nodes and its anti-entropy state, and prints one table row
 * per node; with several zones, grouped by zone in a ZONE column and summed up per zone. "SEEN AS"
 * is the asked node's failure detector's view of each node.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the cluster: every node's zone, addresses, capacity, partitions owned, health and ring"
                       + " version, grouped by zone, and the tables.",
                       "Exit code 1 when some node does not answer, 2 when the given node cannot be reached."})
final class StatusCommand implements Callable<Integer> {

    static final String DEFAULT_HTTP = "127.0.0.1:8081";

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = DEFAULT_HTTP,
            description = "HTTP address of any node: host:port, or an http:// or https:// URL; default"
                    + " ${DEFAULT-VALUE}.")
    String http;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "2000",
            description = "How long to wait for each node; default ${DEFAULT-VALUE}.")
    long timeoutMillis;

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
            access = httpAccess.access(http, main, err);
        } catch (IllegalArgumentException e) {
            return KeyCommand.error(err, "bad_request", e.getMessage());
        }
        AdminHttp client = new AdminHttp(timeoutMillis, access);
        JsonNode cluster;
        JsonNode tables;
        try {
            cluster = client.get(http, "/cluster");
            tables = client.get(http, "/tables");
        } catch (AdminHttp.Refused e) {
            return KeyCommand.error(err, e.code(), e.getMessage());
        } catch (IOException e) {
            return KeyCommand.error(err, "unreachable", "cannot read the cluster from " + client.uri(http, "") + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.ERROR;
        }

        out.printf("cluster as seen by %s (%s): ring version %s, q=%s, %d node(s)%n%n",
                cluster.path("node").asText("?"), client.uri(http, ""), cluster.path("ring_version").asText("?"),
                cluster.path("q").asText("?"), cluster.path("nodes").size());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "ZONE", "HTTP", "BINARY", "MEMBERSHIP", "CAPACITY", "PARTITIONS", "HEALTH",
            "SEEN AS", "RING VERSION", "HINTS PENDING", "ANTI-ENTROPY"});
        int down = 0;
        Map<String, int[]> zones = new TreeMap<>(); // zone -> nodes, answering, partitions
        for (JsonNode n : byZone(cluster.path("nodes"))) {
            String zone = zone(n);
            int[] tally = zones.computeIfAbsent(zone, z -> new int[3]);
            tally[0]++;
            tally[2] += n.path("partitions").asInt();
            String address = n.path("address").asText("");
            String health;
            String ringVersion = "-";
            String hints = "-";
            String repair = "-";
            if (address.isEmpty() || "null".equals(address)) {
                // a node of the ring this one never heard from, with no configured address to try
                rows.add(new String[] {n.path("id").asText(), zone, "-", n.path("binary_address").asText("-"),
                    n.path("membership").asText("-"), n.path("capacity").asText("-"), n.path("partitions").asText("-"),
                    "UNREACHABLE (no HTTP address known)", n.path("status").asText("-"), "-", "-", "-"});
                down++;
                continue;
            }
            try {
                JsonNode h = client.get(address, "/health");
                health = h.path("status").asText("up");
                tally[1]++;
                JsonNode view = client.get(address, "/cluster");
                ringVersion = view.path("ring_version").asText("?");
                hints = hints(view.path("hints_pending"));
                repair = repair(view.path("anti_entropy"));
            } catch (AdminHttp.Refused e) {
                // the same credentials are refused by another node: its users file differs, say so
                return KeyCommand.error(err, e.code(), e.getMessage());
            } catch (IOException e) {
                boolean gone = "removed".equals(n.path("membership").asText());
                health = gone ? "gone" : "DOWN (" + e.getMessage() + ")";
                down += gone ? 0 : 1; // a node that left or was removed is expected to be off
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.ERROR;
            }
            rows.add(new String[] {n.path("id").asText(), zone, address, n.path("binary_address").asText("-"),
                n.path("membership").asText("-"), n.path("capacity").asText("-"), n.path("partitions").asText("-"), health,
                n.path("status").asText("-"), ringVersion, hints, repair});
        }
        // a cluster in one zone prints as before zones existed
        printTable(out, zones.size() > 1 ? rows : withoutColumn(rows, 1));
        if (zones.size() > 1) {
            out.println();
            zones.forEach((zone, t) -> out.printf("zone %s: %d node(s), %d answering, %d partitions owned%n", zone, t[0],
                    t[1], t[2]));
        }
        JsonNode move = cluster.path("rebalance");
        if (!move.isMissingNode() && !move.path("description").asText().isEmpty()) {
            out.printf("%nring change %s: %s, %d/%d partitions switched, %d bytes received by %s at %d B/s, eta %s%n",
                    move.path("description").asText(), move.path("active").asBoolean() ? "in progress" : "done",
                    move.path("partitions_done").asInt(), move.path("partitions_total").asInt(),
                    move.path("bytes").asLong(), cluster.path("node").asText("?"),
                    move.path("bytes_per_second").asLong(), move.path("eta_ms").asLong() < 0 ? "unknown"
                            : (move.path("eta_ms").asLong() + 999) / 1000 + " s");
        }
        out.println();
        out.println("tables:");
        for (JsonNode t : tables) {
            out.printf("  %-16s n=%s r=%s w=%s engine=%s reconciler=%s partitioner=%s durability=%s%n",
                    t.path("name").asText(), t.path("n").asText(), t.path("r").asText(), t.path("w").asText(),
                    t.path("engine").asText(), t.path("reconciler").asText(), t.path("partitioner").asText("-"),
                    t.path("durability").asText("-"));
        }
        out.flush();
        return down == 0 ? ExitCodes.OK : ExitCodes.NOT_FOUND;
    }

    /** {@code rows} without their column {@code index}. */
    static List<String[]> withoutColumn(List<String[]> rows, int index) {
        List<String[]> out = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            String[] shorter = new String[row.length - 1];
            System.arraycopy(row, 0, shorter, 0, index);
            System.arraycopy(row, index + 1, shorter, index, row.length - index - 1);
            out.add(shorter);
        }
        return out;
    }

    /** The nodes ordered by zone, keeping the node's order within a zone. */
    static List<JsonNode> byZone(JsonNode nodes) {
        List<JsonNode> sorted = new ArrayList<>();
        nodes.forEach(sorted::add);
        sorted.sort(Comparator.comparing(StatusCommand::zone)); // stable
        return sorted;
    }

    /** A node's zone; "-" from a node of a version without zones. */
    static String zone(JsonNode node) {
        JsonNode zone = node.path("zone");
        return zone.isTextual() ? zone.asText() : "-";
    }

    /** "0", or the total and each target: "12 (n2=12)". */
    static String hints(JsonNode pending) {
        long total = 0;
        StringBuilder each = new StringBuilder();
        for (var it = pending.fields(); it.hasNext(); ) {
            var e = it.next();
            total += e.getValue().asLong();
            each.append(each.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue().asLong());
        }
        return total == 0 ? "0" : total + " (" + each + ")";
    }

    /** "idle (3 runs)" or "running 17/64 partitions". */
    static String repair(JsonNode p) {
        if (p.isMissingNode()) {
            return "-";
        }
        return p.path("running").asBoolean()
                ? "running " + p.path("partitions_done").asInt() + "/" + p.path("partitions_total").asInt()
                        + " partitions"
                : "idle (" + p.path("runs").asLong() + " runs, " + p.path("keys_repaired").asLong() + " keys repaired)";
    }

    static void printTable(PrintWriter out, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(line);
        }
    }
}
