package dev.dynamo.core.limits;

import dev.dynamo.core.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Lets one log line per kind through per interval and counts the rest, so that input a
 * remote party controls (malformed frames, refused connections, forged contexts) cannot
 * fill the disk or drown the log at a rate it chooses. The line that gets through says how
 * many like it were dropped since the last one. Kinds are constants of the code, never text
 * from the wire, so the map stays as small as the code is.
 *
 * <pre>{@code
 * LogLimiter limiter = new LogLimiter(clock, 10_000);
 * limiter.warn(LOG, "malformed-frame", "dropped a malformed frame from {}: {}", remote, e.toString());
 * }</pre>
 */
public final class LogLimiter {
    private final Clock clock;
    private final long intervalMillis;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong dropped = new AtomicLong();
    }

    /** At most one line per kind every {@code intervalMillis} (at least 1). */
    public LogLimiter(Clock clock, long intervalMillis) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (intervalMillis < 1) {
            throw new IllegalArgumentException("intervalMillis must be at least 1, was " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
    }

    /**
     * Logs at WARN when no line of {@code kind} went out in the last interval, else counts it
     * as dropped. The format's arguments are those of SLF4J; a suffix names the dropped count.
     *
     * @return whether the line was logged
     */
    public boolean warn(Logger log, String kind, String format, Object... args) {
        long dropped = admit(kind);
        if (dropped < 0) {
            return false;
        }
        if (log.isWarnEnabled()) {
            log.warn(dropped == 0 ? format : format + " (" + dropped + " more like it not logged)", args);
        }
        return true;
    }

    /**
     * -1 when a line of {@code kind} is not let through now; else how many were dropped since
     * the last one that was.
     */
    long admit(String kind) {
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long now = clock.millis();
        long next = w.nextAt.get();
        if (now >= next && w.nextAt.compareAndSet(next, now + intervalMillis)) {
            return w.dropped.getAndSet(0);
        }
        w.dropped.incrementAndGet();
        return -1;
    }
}
