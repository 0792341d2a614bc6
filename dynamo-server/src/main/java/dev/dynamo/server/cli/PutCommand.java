package dev.dynamo.server.cli;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dynamo put --table T KEY [VALUE]}: writes a value (from stdin when VALUE is absent). */
@Command(name = "put", mixinStandardHelpOptions = true,
        description = {"Writes one key. The value is VALUE, or standard input when VALUE is absent",
                       "(stored byte for byte: 'echo v |' stores a trailing newline, 'printf %%s v |' does not).",
                       "Prints 'context: <base64>', the context of the new version."})
final class PutCommand extends KeyCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
            description = "The value (UTF-8); absent: read all of standard input, byte for byte.")
    String value;

    @Option(names = "--context", paramLabel = "BASE64",
            description = "Context from a previous get: the new value supersedes what it covers. Absent: a blind"
                    + " write, concurrent with the existing versions (the table's reconciler decides; with lww the"
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
        Context c = context(context);
        byte[] bytes;
        try {
            bytes = value != null ? value.getBytes(StandardCharsets.UTF_8) : main.stdin().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the value from standard input", e);
        }
        printContext(out, client.put(table, keyBytes, c, bytes, options(null, w)));
        return ExitCodes.OK;
    }
}
