package dev.dynamo.api;

import java.util.Objects;

/**
 * One version of a value as a get returns it: the bytes, the wall-clock time of the
 * write that made it, and its vector clock.
 */
public record Versioned(byte[] value, long timestamp, VectorClock clock) {
    public Versioned {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(clock, "clock");
    }
}
