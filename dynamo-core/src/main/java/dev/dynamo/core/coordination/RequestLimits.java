package dev.dynamo.core.coordination;

import dev.dynamo.core.spi.MessageLimit;
import dev.dynamo.core.version.ContextLimits;
import java.util.Objects;

/**
 * The limits a node puts on its clients' requests, beyond a table's own ({@code max-value-bytes},
 * {@code max-siblings}): node settings of {@code node.properties} (docs/limits.md, "Requests").
 * A request over one of them fails with a {@link dev.dynamo.api.LimitExceededException} naming
 * the setting.
 *
 * <pre>{@code
 * RequestLimits limits = RequestLimits.DEFAULT.withMaxKeyBytes(1024).withMaxTimeoutMillis(30_000);
 * ClientService clients = new ClientService(node::table, node::cluster, reads, writes, observer, limits);
 * }</pre>
 *
 * @param maxKeyBytes      {@value #MAX_KEY_BYTES_SETTING}: the longest key, in bytes
 * @param maxTimeoutMillis {@value #MAX_TIMEOUT_SETTING}: the longest timeout a client may ask for,
 *                         unless the table's own {@code timeout-ms} is longer
 * @param context          the limits on a write's context ({@code context.*})
 * @param messageLimit     the largest message of the node's transport: a write that would make
 *                         a key's versions too large to travel in one is refused, so that the key
 *                         stays readable ({@link #UNBOUNDED} when the transport has no limit)
 */
public record RequestLimits(int maxKeyBytes, long maxTimeoutMillis, ContextLimits context,
                            MessageLimit messageLimit) {
    public static final String MAX_KEY_BYTES_SETTING = "max-key-bytes";
    /**
     * The default of {@value #MAX_KEY_BYTES_SETTING}: a key is stored with every version, hint
     * and Merkle leaf of it, so a huge one costs everywhere.
     */
    public static final int MAX_KEY_BYTES = 65_536;
    /** The most {@value #MAX_KEY_BYTES_SETTING} may be set to. */
    public static final int MAX_KEY_BYTES_CEILING = 1_048_576;
    public static final String MAX_TIMEOUT_SETTING = "request.max-timeout-ms";
    /**
     * The default of {@value #MAX_TIMEOUT_SETTING}: a deadline is a scheduled task and an entry
     * in the coordinator's books until it fires, so a client asking for days would keep them
     * that long.
     */
    public static final long MAX_TIMEOUT_MILLIS = 600_000;
    /** The most {@value #MAX_TIMEOUT_SETTING} may be set to (a table's {@code timeout-ms} has the same bound). */
    public static final long MAX_TIMEOUT_CEILING = 3_600_000;
    /** A transport without a message limit. */
    public static final MessageLimit UNBOUNDED = new MessageLimit(Integer.MAX_VALUE, "transport", Integer.MAX_VALUE);

    public static final RequestLimits DEFAULT = new RequestLimits(MAX_KEY_BYTES, MAX_TIMEOUT_MILLIS,
            ContextLimits.DEFAULT, UNBOUNDED);

    public RequestLimits {
        if (maxKeyBytes < 1 || maxKeyBytes > MAX_KEY_BYTES_CEILING) {
            throw new IllegalArgumentException(MAX_KEY_BYTES_SETTING + " must be between 1 and "
                    + MAX_KEY_BYTES_CEILING + ", was " + maxKeyBytes);
        }
        if (maxTimeoutMillis < 1 || maxTimeoutMillis > MAX_TIMEOUT_CEILING) {
            throw new IllegalArgumentException(MAX_TIMEOUT_SETTING + " must be between 1 and " + MAX_TIMEOUT_CEILING
                    + ", was " + maxTimeoutMillis);
        }
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(messageLimit, "messageLimit");
    }

    public RequestLimits withMaxKeyBytes(int bytes) {
        return new RequestLimits(bytes, maxTimeoutMillis, context, messageLimit);
    }

    public RequestLimits withMaxTimeoutMillis(long millis) {
        return new RequestLimits(maxKeyBytes, millis, context, messageLimit);
    }

    public RequestLimits withContext(ContextLimits limits) {
        return new RequestLimits(maxKeyBytes, maxTimeoutMillis, limits, messageLimit);
    }

    public RequestLimits withMessageLimit(MessageLimit limit) {
        return new RequestLimits(maxKeyBytes, maxTimeoutMillis, context, limit);
    }
}
