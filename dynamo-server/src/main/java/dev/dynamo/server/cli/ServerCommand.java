package dev.dynamo.server.cli;

import dev.dynamo.server.DynamoServer;
import dev.dynamo.server.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dynamo server --conf DIR}: runs one node until SIGTERM or Ctrl-C, then stops it
 * gracefully (requests in flight finish, engines are flushed).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Runs one node from a configuration directory (node.properties and tables/*.properties)",
                       "until SIGTERM or Ctrl-C, then stops it gracefully."})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--conf", required = true, paramLabel = "DIR",
            description = "Configuration directory, e.g. conf/example.")
    Path conf;

    @Option(names = "--parent-pid", hidden = true, paramLabel = "PID",
            description = "Stop when this process exits (set by 'local' so that nodes never outlive it).")
    Long parentPid;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        DynamoServer server;
        try {
            server = DynamoServer.start(conf);
        } catch (ConfigException e) {
            err.println("error: bad configuration: " + e.getMessage());
            return ExitCodes.ERROR;
        } catch (RuntimeException e) {
            err.println("error: node did not start: " + e.getMessage());
            return ExitCodes.ERROR;
        }
        // the only shutdown hook of a node: SIGTERM and Ctrl-C stop it gracefully
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dynamo-shutdown"));
        if (parentPid != null) {
            ProcessHandle.of(parentPid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(server::close),
                    server::close);
        }
        server.awaitClosed();
        return ExitCodes.OK;
    }
}
