package dev.dynamo.core.antientropy;

/**
 * Spaces events at most {@code perSecond} a second: each {@link #reserve} takes the next free
 * slot and says how long to wait for it. Kept in microseconds, so that rates above 1000 a
 * second still pace. Not thread-safe; callers synchronize.
 *
 * <pre>{@code
 * KeyPacer pacer = new KeyPacer(500);          // 500 keys a second: one every 2 ms
 * long wait = pacer.reserve(clock.millis());  // 0 for the first, then 2, 4, ... when asked at once
 * }</pre>
 */
final class KeyPacer {
    private final long microsPerEvent;
    private long nextMicros = Long.MIN_VALUE;

    KeyPacer(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("rate must be >= 1 a second, was " + perSecond);
        }
        this.microsPerEvent = 1_000_000L / perSecond;
    }

    /** Takes the next slot at or after {@code nowMillis}; returns the milliseconds until it (rounded up). */
    long reserve(long nowMillis) {
        long now = nowMillis * 1_000;
        long at = Math.max(now, nextMicros);
        nextMicros = at + microsPerEvent;
        return (at - now + 999) / 1_000;
    }
}
