package dev.dynamo.server.cli;

import dev.dynamo.core.backup.BackupException;
import dev.dynamo.core.backup.BackupManifest;
import dev.dynamo.core.backup.TableRestore;
import dev.dynamo.core.node.DynamoNode;
import dev.dynamo.core.spi.PluginRegistry;
import dev.dynamo.core.spi.StorageException;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.time.Clock;
import dev.dynamo.server.config.ConfigException;
import dev.dynamo.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo restore --conf DIR --from BACKUP [--table T]}: puts a stopped node's tables
 * back from a backup taken with {@code dynamo backup}, then names the node's next writes anew.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restores a STOPPED node's tables from a backup (the --dest of 'dynamo backup'): checks that the"
                       + " backup is this node's, complete, undamaged, written by the table's engine and younger than"
                       + " tombstone.grace-ms, copies it into data.dir, and names the node's next writes anew.",
                       "Then start the node and run 'dynamo repair': anti-entropy brings the restored replicas up to"
                       + " date with the other nodes."})
final class RestoreCommand implements Callable<Integer> {

    @Option(names = "--conf", required = true, paramLabel = "DIR", description = "The node's configuration directory.")
    Path conf;

    @Option(names = "--from", required = true, paramLabel = "DIR",
            description = "The backup: the --dest given to 'dynamo backup' (holding <node>/<table>/).")
    Path from;

    @Option(names = "--table", paramLabel = "TABLE",
            description = "Restore this table only (repeatable; default: every configured table).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--ignore-tombstone-grace",
            description = "Restore a backup older than tombstone.grace-ms: keys deleted since may come back.")
    boolean ignoreTombstoneGrace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig config;
        try {
            config = ServerConfig.load(conf);
        } catch (ConfigException e) {
            err.println("error: bad configuration: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        List<TableConfig> chosen = new ArrayList<>();
        for (String name : tables) {
            TableConfig t = config.tables().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
            if (t == null) {
                return KeyCommand.error(err, "unknown_table", "table '" + name + "' is not configured in " + conf);
            }
            chosen.add(t);
        }
        if (chosen.isEmpty()) {
            chosen.addAll(config.tables());
        }
        Clock clock = Clock.system();
        // Renamed before any table is copied: a restore that fails halfway leaves some tables
        // older than what the node wrote, and under its old name it could issue their dots again.
        String actor;
        try {
            actor = DynamoNode.renameWritesAfterRestore(config.node(), config.options(), clock,
                    PluginRegistry.installed());
        } catch (StorageException e) {
            return KeyCommand.error(err, "bad_request", "cannot open node " + config.node().id()
                    + "'s system table in " + config.node().dataDir() + " (is the node still running? stop it"
                    + " first): " + e.getMessage());
        }
        try {
            for (TableConfig t : chosen) {
                BackupManifest m = TableRestore.restore(new TableRestore.Request(from.toAbsolutePath(),
                        config.node().id(), t, config.node().dataDir(), config.options().tombstoneGraceMillis(),
                        ignoreTombstoneGrace), clock.millis());
                out.printf("table %s: restored %d file(s), %d bytes, taken %s at ring version %d, into %s%n",
                        t.name(), m.files().size(), m.bytes(), Instant.ofEpochMilli(m.takenAtMillis()),
                        m.ringVersion(), config.node().dataDir().resolve(t.name()));
                out.flush();
            }
            out.println("node " + config.node().id() + " restored; its next writes are named " + actor
                    + ". Start it, then run: dynamo repair");
            out.flush();
            return ExitCodes.OK;
        } catch (BackupException e) {
            return KeyCommand.error(err, "bad_request", e.getMessage());
        }
    }
}
