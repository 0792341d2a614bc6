package dev.dynamo.core.version;

import dev.dynamo.api.Context;
import dev.dynamo.api.VectorClock;
import dev.dynamo.api.Versioned;
import dev.dynamo.core.spi.Sibling;
import java.util.Objects;

/**
 * One stored version of a key: its dot (the write event), the causal context the writer
 * had read, the coordinator's wall-clock time, and the value or a tombstone.
 *
 * <p>Version {@code a} is superseded by version {@code b} exactly when {@code b}'s
 * <em>context</em> (what b's writer had read) covers {@code a}'s dot. b's own dot covers
 * only b: that is the dotted-version-vector rule which keeps two writes made from the same
 * context through one coordinator ({@code n1:1} and {@code n1:2}, both with context
 * {@code []}) as siblings, where plain vector clocks would order them and lose one.
 *
 * <p>For contexts to be trusted, a replica never holds a node's event {@code k} without
 * also holding (or having superseded) that node's earlier events of the same key; the
 * coordinator keeps that invariant by replicating its whole sibling set, not just the new
 * version.
 */
public record Version(Dot dot, Context context, long timestamp, boolean tombstone, byte[] value) {
    private static final byte[] EMPTY = new byte[0];

    public Version {
        Objects.requireNonNull(dot, "dot");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(value, "value");
        if (tombstone && value.length != 0) {
            throw new IllegalArgumentException("a tombstone carries no value");
        }
    }

    public static Version tombstone(Dot dot, Context context, long timestamp) {
        return new Version(dot, context, timestamp, true, EMPTY);
    }

    /** The version's clock as clients see it: its context's clock plus its own dot. */
    public VectorClock clock() {
        VectorClock c = context.clock();
        long counter = Math.max(c.counter(dot.node()), dot.counter());
        return c.withCounter(dot.node(), counter, timestamp);
    }

    /** Its context plus its own dot, exactly. */
    public Context fullContext() {
        return context.with(dot.node(), dot.counter(), timestamp);
    }

    /** True when {@code context} has seen this version's write event. */
    public boolean isCoveredBy(Context context) {
        return context.covers(dot.node(), dot.counter());
    }

    /** True when {@code other}'s writer had seen this version (and other is not this version). */
    public boolean isSupersededBy(Version other) {
        return !other.dot.equals(dot) && isCoveredBy(other.context);
    }

    public Sibling toSibling() {
        return new Sibling(value, timestamp, tombstone);
    }

    public Versioned toVersioned() {
        return new Versioned(value, timestamp, clock());
    }

    /** Identity of a version is its dot; two versions with one dot are one write. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && v.dot.equals(dot);
    }

    @Override
    public int hashCode() {
        return dot.hashCode();
    }

    @Override
    public String toString() {
        return "Version[" + dot.node() + ":" + dot.counter() + " ctx=" + context
                + (tombstone ? " tombstone" : " " + value.length + "B") + " @" + timestamp + "]";
    }
}
