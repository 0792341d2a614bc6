package dev.dynamo.server.cli;

import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.Versioned;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dynamo get --table T KEY}: prints the value (or every sibling) on stdout and the
 * context on stderr, so that {@code $(dynamo get ...)} is the value alone.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Reads one key. Prints the value on stdout followed by a newline (or every concurrent sibling,"
                + " one block each), and 'context: <base64>' on stderr: pass it to put or delete with --context.",
                "Exit code 1 when the key does not exist."})
final class GetCommand extends KeyCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    String key;

    @Option(names = "--r", paramLabel = "R", description = "Replicas to wait for (default: the table's r).")
    Integer r;

    @Override
    String key() {
        return key;
    }

    @Override
    int execute(DynamoClient client, byte[] keyBytes, PrintWriter out, PrintWriter err) {
        GetResult result = client.get(table, keyBytes, options(r, null));
        if (!result.isFound()) {
            err.println("not_found: no value for key '" + key + "' in table '" + table + "'");
            if (!result.context().isEmpty()) {
                // a tombstone was read: writing with its context supersedes the delete
                printContext(err, result.context());
            }
            return ExitCodes.NOT_FOUND;
        }
        if (result.hasSiblings()) {
            int i = 1;
            for (Versioned v : result.siblings()) {
                out.println("--- sibling " + i++ + " of " + result.siblings().size() + ", written "
                        + Instant.ofEpochMilli(v.timestamp()) + " ---");
                out.println(new String(v.value(), StandardCharsets.UTF_8));
            }
        } else {
            out.println(new String(result.value(), StandardCharsets.UTF_8));
        }
        out.flush();
        printContext(err, result.context());
        return ExitCodes.OK;
    }
}
