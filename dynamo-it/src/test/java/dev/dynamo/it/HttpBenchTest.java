package dev.dynamo.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.bench.BenchCommand;
import dev.dynamo.bench.HttpDynamoClient;
import dev.dynamo.server.DynamoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/dynamo bench --http}: the load generator through the HTTP/JSON API of a running node. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HttpBenchTest {

    @TempDir
    Path home;

    @Test
    void theHttpClientSpeaksTheApiAndTheBenchRunsThroughIt() throws Exception {
        Path conf = home.resolve("conf");
        Files.createDirectories(conf.resolve("tables"));
        Files.writeString(conf.resolve("node.properties"), "node.id = solo\nbinary.port = 0\nhttp.port = 0\n");
        Files.writeString(conf.resolve("tables/default.properties"), "n = 1\nengine = memory\n");
        Files.writeString(conf.resolve("tables/sib.properties"), "n = 1\nengine = memory\nreconciler = siblings\n");
        try (DynamoServer server = DynamoServer.start(conf);
             HttpDynamoClient client = new HttpDynamoClient(List.of(server.httpAddress()), Duration.ofSeconds(5))) {
            byte[] key = "a key/with ü".getBytes(StandardCharsets.UTF_8);
            assertFalse(client.get("default", key).isFound());
            Context written = client.put("default", key, Context.EMPTY, "v1".getBytes(StandardCharsets.UTF_8));
            assertFalse(written.isEmpty());
            GetResult r = client.get("default", key);
            assertEquals("v1", new String(r.value(), StandardCharsets.UTF_8));

            client.put("sib", key, Context.EMPTY, "x".getBytes(StandardCharsets.UTF_8));
            client.put("sib", key, Context.EMPTY, "y".getBytes(StandardCharsets.UTF_8));
            assertEquals(2, client.get("sib", key).siblings().size(), "a 300 answer comes back as its siblings");

            client.delete("default", key, r.context());
            assertFalse(client.get("default", key).isFound());
            assertThrows(BadRequestException.class, () -> client.get("default", key,
                    new RequestOptions(2, null, null)), "r > n is a bad request, typed");

            PrintStream original = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            int code;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                code = BenchCommand.run(new String[] {"--http", server.httpAddress(), "--ops", "300", "--threads", "2",
                        "--keys", "100", "--value-size", "100"});
            } finally {
                System.setOut(original);
            }
            String out = captured.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, out);
            assertTrue(out.contains("HTTP API") && out.contains("total"), out);
            assertFalse(out.contains("errors:"), out);
        }
    }
}
