package dev.dynamo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.DynamoException;
import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** The HTTP client turns the API's error bodies into the typed exceptions the binary client throws. */
class HttpDynamoClientErrorTest {

    @Test
    void everyCodeBecomesItsExceptionType() {
        for (ErrorCode code : ErrorCode.values()) {
            DynamoException e = HttpDynamoClient.error(response(code.httpStatus(),
                    "{\"error\":\"" + code.wire() + "\",\"message\":\"m\"}"), "t");
            assertSame(code.exceptionType(), e.getClass(), code.wire());
            assertSame(code, e.errorCode());
        }
    }

    @Test
    void typedFieldsComeFromTheBodyAndTheRequest() {
        InsufficientReplicasException ir = (InsufficientReplicasException) HttpDynamoClient.error(response(503,
                "{\"error\":\"insufficient_replicas\",\"message\":\"put needed 2\",\"required\":2,\"acknowledged\":1}"),
                "t");
        assertEquals(2, ir.required());
        assertEquals(1, ir.acknowledged());
        assertEquals("HTTP 503: put needed 2", ir.getMessage());

        ValueTooLargeException vt = (ValueTooLargeException) HttpDynamoClient.error(response(413,
                "{\"error\":\"value_too_large\",\"message\":\"too big\",\"size\":2048,\"max\":1024}"), "carts");
        assertEquals(2048, vt.size());
        assertEquals(1024, vt.max());
        assertEquals("carts", vt.table());

        UnknownTableException ut = (UnknownTableException) HttpDynamoClient.error(response(404,
                "{\"error\":\"unknown_table\",\"message\":\"table 'nope' is not configured\"}"), "nope");
        assertEquals("nope", ut.table(), "the table the request named, not one parsed from the message");
    }

    @Test
    void aBodyWithoutAKnownCodeIsInternal() {
        DynamoException newer = HttpDynamoClient.error(response(418, "{\"error\":\"teapot\",\"message\":\"m\"}"), "t");
        DynamoException garbage = HttpDynamoClient.error(response(502, "<html>bad gateway</html>"), "t");

        assertSame(ErrorCode.INTERNAL, newer.errorCode());
        assertSame(ErrorCode.INTERNAL, garbage.errorCode());
        assertTrue(garbage.getMessage().contains("bad gateway"), garbage.getMessage());
    }

    private static HttpResponse<byte[]> response(int status, String body) {
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpRequest request() {
                return HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/")).build();
            }

            @Override
            public Optional<HttpResponse<byte[]>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(Map.of(), (name, value) -> true);
            }

            @Override
            public byte[] body() {
                return body.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return request().uri();
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }
}
