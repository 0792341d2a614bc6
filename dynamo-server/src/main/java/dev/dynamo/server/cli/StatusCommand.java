package dev.dynamo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo status [--http host:port]}: asks one node for the cluster ({@code GET
 * /cluster}, {@code GET /tables}), then every node for its health and its view of the
 * ring, and prints one table row per node.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the cluster: every node's addresses, capacity, partitions owned, health and ring version,"
                       + " and the tables.",
                       "Exit code 1 when some node does not answer, 2 when the given node cannot be reached."})
final class StatusCommand implements Callable<Integer> {

    static final String DEFAULT_HTTP = "127.0.0.1:8081";

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = DEFAULT_HTTP,
            description = "HTTP address of any node; default ${DEFAULT-VALUE}.")
    String http;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "2000",
            description = "How long to wait for each node; default ${DEFAULT-VALUE}.")
    long timeoutMillis;

    @Spec
    CommandSpec spec;

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMillis)).build();
        JsonNode cluster;
        JsonNode tables;
        try {
            cluster = fetch(client, http, "/cluster");
            tables = fetch(client, http, "/tables");
        } catch (IOException e) {
            return KeyCommand.error(err, "unreachable", "cannot read the cluster from http://" + http + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.ERROR;
        }

        out.printf("cluster as seen by %s (http://%s): ring version %s, q=%s, %d node(s)%n%n",
                cluster.path("node").asText("?"), http, cluster.path("ring_version").asText("?"),
                cluster.path("q").asText("?"), cluster.path("nodes").size());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "HTTP", "BINARY", "CAPACITY", "PARTITIONS", "HEALTH", "RING VERSION"});
        int down = 0;
        for (JsonNode n : cluster.path("nodes")) {
            String address = n.path("address").asText("");
            String health;
            String ringVersion = "-";
            try {
                JsonNode h = fetch(client, address, "/health");
                health = h.path("status").asText("up");
                ringVersion = fetch(client, address, "/cluster").path("ring_version").asText("?");
            } catch (IOException e) {
                health = "DOWN (" + e.getMessage() + ")";
                down++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.ERROR;
            }
            rows.add(new String[] {n.path("id").asText(), address, n.path("binary_address").asText("-"),
                    n.path("capacity").asText("-"), n.path("partitions").asText("-"), health, ringVersion});
        }
        printTable(out, rows);
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

    private JsonNode fetch(HttpClient client, String hostPort, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                .timeout(Duration.ofMillis(timeoutMillis)).GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // java.net.http gives ConnectException without a message: name it
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(why, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + path);
        }
        return json.readTree(response.body());
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
