package dev.dynamo.bench;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoClient;
import dev.dynamo.api.DynamoException;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.OverloadedException;
import dev.dynamo.api.TooManySiblingsException;
import dev.dynamo.api.ObsoleteVersionException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;
import dev.dynamo.api.Versioned;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link DynamoClient} over the HTTP/JSON API, for measuring that path with the same load
 * generator as the binary one: requests go round-robin to the given nodes (any node
 * coordinates any key), keys are sent percent-encoded, contexts in {@code X-Dynamo-Context}.
 * Sibling answers (300) come back as siblings; their timestamps are not carried over.
 *
 * <pre>{@code
 * try (DynamoClient c = new HttpDynamoClient(List.of("127.0.0.1:8081", "127.0.0.1:8082"), Duration.ofSeconds(5))) {
 *     c.put("default", key, Context.EMPTY, value);
 * }
 * }</pre>
 */
public final class HttpDynamoClient implements DynamoClient {
    private static final String CONTEXT = "X-Dynamo-Context";
    private static final Pattern FIELD = Pattern.compile("\"(error|message|required|acknowledged|size|max)\":\\s*\"?([^\",}]*)");

    private final List<String> nodes;
    private final Duration timeout;
    private final HttpClient http;
    private final AtomicInteger next = new AtomicInteger();

    public HttpDynamoClient(List<String> nodes, Duration timeout) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one HTTP address host:port is needed");
        }
        this.nodes = List.copyOf(nodes);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    private HttpRequest.Builder request(String table, byte[] key, RequestOptions options) {
        String node = nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size()));
        StringBuilder uri = new StringBuilder("http://").append(node).append("/tables/")
                .append(URLEncoder.encode(table, StandardCharsets.UTF_8)).append("/keys/")
                .append(URLEncoder.encode(new String(key, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1)
                        .replace("+", "%20"));
        String sep = "?";
        if (options.r() != null) {
            uri.append(sep).append("r=").append(options.r());
            sep = "&";
        }
        if (options.w() != null) {
            uri.append(sep).append("w=").append(options.w());
        }
        return HttpRequest.newBuilder(URI.create(uri.toString())).timeout(timeout);
    }

    @Override
    public CompletableFuture<GetResult> getAsync(String table, byte[] key, RequestOptions options) {
        return http.sendAsync(request(table, key, options).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> {
                    Context ctx = context(r);
                    return switch (r.statusCode()) {
                        case 200 -> new GetResult(List.of(new Versioned(r.body(), 0, ctx.clock())), ctx);
                        case 300 -> new GetResult(siblings(r, ctx), ctx);
                        case 404 -> notFoundOrError(r, ctx, table);
                        default -> throw error(r, table);
                    };
                });
    }

    @Override
    public CompletableFuture<Context> putAsync(String table, byte[] key, Context context, byte[] value,
                                               RequestOptions options) {
        HttpRequest.Builder b = request(table, key, options).PUT(HttpRequest.BodyPublishers.ofByteArray(value));
        if (!context.isEmpty()) {
            b.header(CONTEXT, context.toBase64());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> written(r, table));
    }

    @Override
    public CompletableFuture<Context> deleteAsync(String table, byte[] key, Context context, RequestOptions options) {
        HttpRequest.Builder b = request(table, key, options).DELETE();
        if (!context.isEmpty()) {
            b.header(CONTEXT, context.toBase64());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> written(r, table));
    }

    private Context written(HttpResponse<byte[]> r, String table) {
        if (r.statusCode() != 204) {
            throw error(r, table);
        }
        return context(r);
    }

    private static final Pattern SIBLING = Pattern.compile("\"value\":\"([A-Za-z0-9+/=]*)\"");

    /** The values of a 300 answer's {@code siblings} (standard base64 each). */
    private static List<Versioned> siblings(HttpResponse<byte[]> r, Context ctx) {
        List<Versioned> out = new java.util.ArrayList<>();
        Matcher m = SIBLING.matcher(new String(r.body(), StandardCharsets.UTF_8));
        while (m.find()) {
            out.add(new Versioned(java.util.Base64.getDecoder().decode(m.group(1)), 0, ctx.clock()));
        }
        return out;
    }

    private static Context context(HttpResponse<byte[]> r) {
        Optional<String> header = r.headers().firstValue(CONTEXT);
        return header.map(Context::fromBase64).orElse(Context.EMPTY);
    }

    private static GetResult notFoundOrError(HttpResponse<byte[]> r, Context ctx, String table) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (ErrorCode.NOT_FOUND.wire().equals(field(body, "error"))) {
            return GetResult.notFound(ctx);
        }
        throw error(r, table);
    }

    /**
     * The typed exception of an API error body (see docs/http-api.md, "Errors"), as the binary
     * client would throw it; {@code table} is the one the request named. A body without a
     * code this version knows (a newer node's, or not the API's at all) is internal.
     */
    static DynamoException error(HttpResponse<byte[]> r, String table) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        String message = "HTTP " + r.statusCode() + ": " + Optional.ofNullable(field(body, "message")).orElse(body);
        ErrorCode code = ErrorCode.fromWire(field(body, "error")).orElse(null);
        if (code == null) {
            return new DynamoException(message);
        }
        // exhaustive, as in the binary protocol's Errors: a new code does not compile until it is mapped
        return switch (code) {
            case BAD_REQUEST -> new BadRequestException(message);
            case UNKNOWN_TABLE -> new UnknownTableException(table, message);
            case OBSOLETE_VERSION -> new ObsoleteVersionException(message);
            case VALUE_TOO_LARGE -> new ValueTooLargeException(message, table, number(body, "size", -1),
                    number(body, "max", 0));
            case INSUFFICIENT_REPLICAS -> new InsufficientReplicasException(message,
                    (int) number(body, "required", 0), (int) number(body, "acknowledged", 0));
            case TIMEOUT -> new DynamoTimeoutException(message);
            case LIMIT_EXCEEDED -> new LimitExceededException(message, field(body, "limit"), number(body, "value", -1),
                    number(body, "max", 0));
            case TOO_MANY_SIBLINGS -> new TooManySiblingsException(message, table, number(body, "value", -1),
                    number(body, "max", 0));
            case OVERLOADED -> new OverloadedException(message, field(body, "limit"), number(body, "value", -1),
                    number(body, "max", 0));
            case INTERNAL, NOT_FOUND, NO_ROUTE, METHOD_NOT_ALLOWED, MEMBERSHIP_REFUSED, SHUTTING_DOWN, UNAUTHENTICATED,
                    FORBIDDEN ->
                    new DynamoException(code, message);
        };
    }

    /** A whole-number field of an error body, or {@code absent} when the body has none. */
    private static long number(String body, String name, long absent) {
        String text = field(body, name);
        return text == null ? absent : Long.parseLong(text.trim());
    }

    private static String field(String body, String name) {
        Matcher m = FIELD.matcher(body);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return null;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close on Java 17; its threads are daemons
    }
}
