package dev.dynamo.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.http.metrics.NodeMetrics;
import dev.dynamo.sim.fuzz.Mutator;
import dev.dynamo.testing.TestCluster;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the HTTP/JSON API as a connection sees it: the server's own pipeline (Netty's
 * HTTP codec with the server's limits, {@link BodyLimitAggregator}, {@link HttpApiHandler},
 * {@link HttpApi}) on a Netty {@code EmbeddedChannel}, over a one-node in-JVM cluster, fed
 * mutated valid requests and random bytes in random chunks. The contract: nothing is thrown
 * into the pipeline, and every answer is a well-formed HTTP response whose status is never
 * 500: malformed input gets a 4xx (or the connection closes). Lives in the handler's package
 * because the pipeline's classes are package-private. {@code -Dfuzz.inputs=N} sets the count.
 */
class HttpApiFuzzTest {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

    @TempDir
    Path dir;

    @Test
    @Timeout(600) // a guard against a hang, far above the CI share's run time
    void everyInputGetsAClearAnswer() {
        int inputs = Math.max(1, Integer.getInteger("fuzz.inputs", 15_000) / 3); // each input is a whole request
        long seed = Long.getLong("fuzz.seed", 20261129L) + 3;
        Mutator m = new Mutator(new Random(seed));
        // lww: blind puts to a siblings table would pile up siblings and slow every later input down
        TableConfig table = TableConfig.of("t", 1, 1, 1, "memory", "lww").withMaxValueBytes(4096);
        try (TestCluster c = TestCluster.builder().nodes(1).partitions(8).seed(seed).dataDir(dir).table(table).build();
             NodeMetrics metrics = new NodeMetrics("n1", false)) {
            HttpApi api = new HttpApi(c.node("n1"), metrics, Runnable::run, 1);
            HttpApiServer.Options options = HttpApiServer.Options.DEFAULT;
            int limit = HttpApiServer.bodyLimit(c.node("n1").tables());
            HttpDecoderConfig decoder = new HttpDecoderConfig()
                    .setMaxInitialLineLength(options.maxRequestLineBytes())
                    .setMaxHeaderSize(options.maxHeaderBytes());
            List<byte[]> corpus = corpus();
            int answered = 0;
            for (int i = 0; i < inputs; i++) {
                byte[] valid = corpus.get(m.random().nextInt(corpus.size()));
                byte[] input = i % 10 == 0 ? valid : i % 10 == 1 ? m.randomBytes(300)
                        : m.mutate(valid, corpus.get(m.random().nextInt(corpus.size())));
                EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(decoder),
                        new BodyLimitAggregator(limit, api, options.lingerBytes()),
                        new HttpApiHandler(api, new AtomicInteger(), () -> false, limit, options, metrics));
                StringBuilder out = new StringBuilder();
                try {
                    int at = 0;
                    while (at < input.length && ch.isOpen()) { // bounded: each turn consumes >= 1 byte
                        int n = 1 + m.random().nextInt(Math.min(128, input.length - at));
                        ch.writeInbound(Unpooled.wrappedBuffer(input, at, n));
                        at += n;
                    }
                    c.runFor(50); // node work (replica writes) runs on virtual time
                    ch.runPendingTasks();
                    ch.checkException();
                    collect(ch, out);
                    ch.finish();
                    collect(ch, out);
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("seed " + seed + " input " + i + ": " + e + " for\n"
                            + new String(input, StandardCharsets.ISO_8859_1), e);
                } finally {
                    ch.finishAndReleaseAll();
                }
                Matcher s = STATUS.matcher(out);
                while (s.find()) { // bounded by the output's length
                    answered++;
                    assertTrue(!s.group(1).equals("500"), "seed " + seed + " input " + i + ": HTTP 500 for\n"
                            + new String(input, StandardCharsets.ISO_8859_1) + "\nanswer:\n" + out);
                }
                if (i % 10 == 0) {
                    assertTrue(out.indexOf("HTTP/1.1 ") == 0, "a valid request got no answer: "
                            + new String(input, StandardCharsets.ISO_8859_1) + "\nanswer: " + out);
                }
            }
            assertTrue(answered > inputs / 4, "too few answers: " + answered);
        }
    }

    private static void collect(EmbeddedChannel ch, StringBuilder out) {
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) { // bounded by what was written
            if (o instanceof ByteBuf b) {
                out.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
        }
    }

    private static List<byte[]> corpus() {
        String ctx = Context.of(VectorClock.EMPTY.withCounter("n1", 3, 1_700_000_000_000L)).toBase64();
        List<String> requests = List.of(
                "GET /tables/t/keys/k1 HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /tables/t/keys/k%2F1?r=1&timeout_ms=100 HTTP/1.1\r\nHost: a\r\n\r\n",
                "PUT /tables/t/keys/k1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
                "PUT /tables/t/keys/k2?w=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nX-Dynamo-Context: " + ctx
                        + "\r\n\r\nabc",
                "PUT /tables/t/keys/k3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "PUT /tables/t/keys/k4 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 9999\r\n\r\n",
                "DELETE /tables/t/keys/k1 HTTP/1.1\r\nHost: a\r\nX-Dynamo-Context: " + ctx + "\r\n\r\n",
                "GET /tables HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /cluster HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
                "GET /tables/t/keys/k1 HTTP/1.0\r\n\r\n",
                "GET /tables/t/keys/k1 HTTP/1.1\r\nHost: a\r\n\r\nGET /tables/t/keys/k2 HTTP/1.1\r\nHost: a\r\n\r\n");
        List<byte[]> out = new ArrayList<>();
        for (String r : requests) {
            out.add(r.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }
}
