package dev.dynamo.transport.netty;

import dev.dynamo.core.limits.LogLimiter;
import dev.dynamo.core.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Where the binary protocol's server and client log what a remote party controls: malformed
 * frames, protocol violations, refused connections and requests, failed connections. Through a
 * {@link LogLimiter}, so at most one WARN line per kind every {@link #INTERVAL_MILLIS}, however
 * fast the input comes; callers pass no stack trace (the input is expected, not a bug) and
 * may log the detail at DEBUG. Thread-safe.
 *
 * <pre>{@code
 * HostileInputLog log = new HostileInputLog(Clock.system());
 * log.warn(LOG, HostileInputLog.MALFORMED_FRAME, "closing connection with {}: {}", remote, reason);
 * }</pre>
 */
final class HostileInputLog {
    /** At most one line per kind this often. */
    static final long INTERVAL_MILLIS = 10_000;

    /** A frame the codec cannot read: bad length, version or kind. */
    static final String MALFORMED_FRAME = "malformed-frame";
    /** A well-formed frame where the protocol does not allow it: an answer sent to a server, a late hello. */
    static final String PROTOCOL_VIOLATION = "protocol-violation";
    /** An exception on a connection other than an I/O error. */
    static final String CONNECTION_ERROR = "connection-error";

    private final LogLimiter limiter;
    private final AtomicLong written = new AtomicLong();

    HostileInputLog(Clock clock) {
        this.limiter = new LogLimiter(clock, INTERVAL_MILLIS);
    }

    /**
     * A WARN line of {@code kind} (a constant of this package or a limit's setting name), unless
     * one went out within the interval.
     */
    void warn(Logger log, String kind, String format, Object... args) {
        if (limiter.warn(log, kind, format, args)) {
            written.incrementAndGet();
        }
    }

    /** Lines let through so far. */
    long linesWritten() {
        return written.get();
    }
}
