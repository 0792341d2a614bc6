package dev.dynamo.server.cli;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.client.DynamoClusterClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What get, put and delete share: the table, the seeds, the key, the per-request options,
 * one request through the partition-aware Java client, and the mapping of its errors to
 * exit codes ({@code error <code>: <message>} on stderr, exit 2).
 */
abstract class KeyCommand implements Callable<Integer> {

    static final String DEFAULT_SEED = "127.0.0.1:7081";

    @Option(names = {"-t", "--table"}, required = true, paramLabel = "TABLE", description = "Table name.")
    String table;

    @Option(names = "--seed", paramLabel = "HOST:PORT", split = ",", defaultValue = DEFAULT_SEED,
            description = "Binary protocol address of any node (repeat or comma-separate for more);"
                    + " default ${DEFAULT-VALUE}.")
    List<String> seeds;

    @Option(names = "--timeout-ms", paramLabel = "MS",
            description = "Coordinator deadline for this request (default: the table's timeout-ms).")
    Long timeoutMillis;

    @Mixin
    ClientTlsOptions tls = new ClientTlsOptions();

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    /** The request itself; returns the exit code. */
    abstract int execute(DynamoClient client, byte[] key, PrintWriter out, PrintWriter err);

    /** The key argument. */
    abstract String key();

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (DynamoClient client = tls.applyTo(DynamoClusterClient.builder().seeds(seeds)).build()) {
            return execute(client, key().getBytes(StandardCharsets.UTF_8), out, err);
        } catch (DynamoException e) {
            return error(err, e.code(), e.getMessage());
        } catch (IllegalArgumentException e) {
            // a malformed seed, context or TLS file, caught before any request
            return error(err, ErrorCode.BAD_REQUEST.wire(), e.getMessage());
        } finally {
            out.flush();
            err.flush();
        }
    }

    static int error(PrintWriter err, String code, String message) {
        err.println("error " + code + ": " + message);
        err.flush();
        return ExitCodes.ERROR;
    }

    RequestOptions options(Integer r, Integer w) {
        return new RequestOptions(r, w, timeoutMillis == null ? null : Duration.ofMillis(timeoutMillis));
    }

    /** The context given with {@code --context}, or the empty one (a blind write). */
    static Context context(String base64) {
        return base64 == null || base64.isEmpty() ? Context.EMPTY : Context.fromBase64(base64);
    }

    static void printContext(PrintWriter to, Context context) {
        to.println("context: " + context.toBase64());
    }
}
