package dev.dynamo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo backup --table T --dest DIR}: an online backup of a table on every node (or
 * one, {@code --node-only}) through {@code POST /backup}; each node writes its replica into
 * {@code DIR/<node>/T/} on its own machine.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Takes an online backup of a table: every node copies its replica with its engine's own"
                       + " backup (RocksDB checkpoint, JE DbBackup, MVStore copy) into DIR/<node>/<table>/ on its own"
                       + " machine, with a manifest (node, table, partitions, ring version, time, checksums), while"
                       + " it serves. The memory engine has no backup and refuses.",
                       "Restore a node from it with 'dynamo restore'. Exit code 2 when a node refuses or cannot be"
                       + " reached."})
final class BackupCommand implements Callable<Integer> {

    @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table to back up.")
    String table;

    @Option(names = "--dest", required = true, paramLabel = "DIR",
            description = "An absolute directory on each node's machine (a new one for every backup).")
    Path dest;

    @Option(names = "--node-only", description = "Back up the --http node only, not every node.")
    boolean nodeOnly;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = StatusCommand.DEFAULT_HTTP,
            description = "HTTP address of any node: host:port, or an http:// or https:// URL; default"
                    + " ${DEFAULT-VALUE}.")
    String http;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "3600000",
            description = "How long one node may take to copy the table; default ${DEFAULT-VALUE} (an hour).")
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
        if (!dest.isAbsolute()) {
            return KeyCommand.error(err, "bad_request", "--dest must be an absolute path (each node writes there on"
                    + " its own machine), was " + dest);
        }
        HttpAccess access;
        try {
            access = httpAccess.access(http, main, err);
        } catch (IllegalArgumentException e) {
            return KeyCommand.error(err, "bad_request", e.getMessage());
        }
        AdminHttp api = new AdminHttp(timeoutMillis, access);
        String query = "?table=" + URLEncoder.encode(table, StandardCharsets.UTF_8) + "&dest="
                + URLEncoder.encode(dest.toString(), StandardCharsets.UTF_8);
        try {
            List<String> nodes = api.nodes(http, nodeOnly);
            for (String node : nodes) {
                JsonNode m = api.post(node, "/backup" + query);
                out.printf("%s: node %s, table %s (%s): %d partition(s), %d file(s), %d bytes, ring version %d -> %s%n",
                        node, m.path("node").asText(), m.path("table").asText(), m.path("engine").asText(),
                        m.path("partitions").asInt(), m.path("files").asInt(), m.path("bytes").asLong(),
                        m.path("ring_version").asLong(), m.path("directory").asText());
                out.flush();
            }
            out.println("backup complete: " + nodes.size() + " node(s)");
            out.flush();
            return ExitCodes.OK;
        } catch (AdminHttp.Refused e) {
            return KeyCommand.error(err, e.code(), e.getMessage());
        } catch (IOException e) {
            return KeyCommand.error(err, "unreachable", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.ERROR;
        }
    }
}
