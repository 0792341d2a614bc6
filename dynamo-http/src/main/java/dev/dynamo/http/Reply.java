package dev.dynamo.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP answer, built off the event loop and turned into a Netty response on it.
 *
 * <pre>{@code
 * Reply r = new Reply(200, "application/octet-stream", value, Map.of("X-Dynamo-Context", ctx));
 * }</pre>
 *
 * @param status      HTTP status code
 * @param contentType content type of the body, null without a body
 * @param body        body bytes (empty for none)
 * @param headers     extra headers in order
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    Reply {
        Objects.requireNonNull(body, "body");
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    static Reply empty(int status, Map<String, String> headers) {
        return new Reply(status, null, new byte[0], headers);
    }

    /** This reply with one more header. */
    Reply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, contentType, body, h);
    }
}
