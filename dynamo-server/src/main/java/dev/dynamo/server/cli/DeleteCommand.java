package dev.dynamo.server.cli;

import dev.dynamo.api.DynamoClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dynamo delete --table T KEY}: writes a tombstone. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Deletes one key (writes a tombstone that takes part in versioning like a value).",
                       "Prints 'context: <base64>', the context of the tombstone."})
final class DeleteCommand extends KeyCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    String key;

    @Option(names = "--context", paramLabel = "BASE64",
            description = "Context from a previous get: the delete supersedes what it covers. Absent: a blind"
                    + " delete, concurrent with the existing versions (the table's reconciler decides; with lww the"
                    + " later write wins).")
    String context;

    @Option(names = "--w", paramLabel = "W", description = "Replicas to wait for (default: the table's w).")
    Integer w;

    @Override
    String key() {
        return key;
    }

    @Override
    int execute(DynamoClient client, byte[] keyBytes, PrintWriter out, PrintWriter err) {
        printContext(out, client.delete(table, keyBytes, context(context), options(null, w)));
        return ExitCodes.OK;
    }
}
