package dev.dynamo.examples.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.client.DynamoClusterClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** Put, get, update, siblings, a missing key and delete through the Java client. */
public final class QuickStart {

    public static void main(String[] args) {
        String seed = args.length > 0 ? args[0] : "127.0.0.1:7081";   // binary port of node 1 of bin/dynamo local
        String table = args.length > 1 ? args[1] : "default";
        try {
            run(seed, table, System.out);
        } catch (InsufficientReplicasException e) {
            System.err.println("only " + e.acknowledged() + " of " + e.required() + " replicas answered");
            System.exit(1);
        } catch (DynamoException e) {                                   // every error of the store
            System.err.println(e.code() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    public static void run(String seed, String table, PrintStream out) {
        byte[] key = "quickstart".getBytes(UTF_8);
        try (DynamoClusterClient client = DynamoClusterClient.builder()
                .seeds(seed)                                            // any node's binary port
                .requestTimeout(Duration.ofSeconds(2))
                .build()) {
            // A missing key is not an exception: isFound() is false (value() would throw).
            GetResult missing = client.get(table, key);
            out.println("missing: found=" + missing.isFound());

            // Put, handing back the context of the get (empty for a missing key).
            client.put(table, key, missing.context(), "hello".getBytes(UTF_8));
            GetResult read = client.get(table, key);
            out.println("get: " + text(read));

            // Update: the read's context makes the new value supersede exactly what was read.
            client.put(table, key, read.context(), "hello again".getBytes(UTF_8));

            // A blind write (Context.EMPTY) is concurrent with "hello again": with lww the
            // later one wins, a table that keeps siblings returns both.
            client.put(table, key, Context.EMPTY, "hi from elsewhere".getBytes(UTF_8));
            read = client.get(table, key);
            if (read.hasSiblings()) {
                // value() would throw: merge the siblings and write the result with the read's context
                List<String> values = read.siblings().stream().map(v -> new String(v.value(), UTF_8)).sorted().toList();
                out.println("siblings: " + values);
                client.put(table, key, read.context(), String.join(" + ", values).getBytes(UTF_8));
                read = client.get(table, key);
            }
            out.println("get: " + text(read));

            // Delete with the context of the last read: the key is missing again.
            client.delete(table, key, read.context());
            out.println("deleted: found=" + client.get(table, key).isFound());
        }
    }

    /** The single value of a get; value() throws IllegalStateException when missing or with siblings. */
    private static String text(GetResult read) {
        return read.isFound() ? new String(read.value(), UTF_8) : "(not found)";
    }
}
