package dev.dynamo.api;

import java.time.Duration;

/**
 * Per-request overrides of the table's settings; a null field means "the table's value".
 *
 * <pre>{@code
 * client.get("default", key, RequestOptions.DEFAULT.withR(1));
 * }</pre>
 */
public record RequestOptions(Integer r, Integer w, Duration timeout) {
    public static final RequestOptions DEFAULT = new RequestOptions(null, null, null);

    public RequestOptions {
        if (r != null && r < 1) {
            throw new IllegalArgumentException("r must be >= 1, was " + r);
        }
        if (w != null && w < 1) {
            throw new IllegalArgumentException("w must be >= 1, was " + w);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    public RequestOptions withR(int r) {
        return new RequestOptions(r, w, timeout);
    }

    public RequestOptions withW(int w) {
        return new RequestOptions(r, w, timeout);
    }

    public RequestOptions withTimeout(Duration timeout) {
        return new RequestOptions(r, w, timeout);
    }
}
