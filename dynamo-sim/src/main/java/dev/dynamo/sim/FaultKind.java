package dev.dynamo.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The faults the {@link Nemesis} injects, one kind per run (or all of them, {@link #MIXED}).
 *
 * <pre>{@code
 * FaultKind k = FaultKind.parse("crash-restart");
 * }</pre>
 */
public enum FaultKind {
    /** No fault: the baseline. */
    NONE("no faults"),
    /** The cluster split into two halves that cannot talk to each other. */
    PARTITION_HALVES("network split into two halves"),
    /** Two halves that only one bridge node can reach both of. */
    PARTITION_BRIDGE("two halves joined by one bridge node"),
    /** One node cut off from all others. */
    ISOLATE_ONE("one node isolated"),
    /** A share of all messages lost. */
    DROP("10-40% of messages dropped"),
    /** Some links slowed past the replica timeout. */
    DELAY("random links delayed 100-1500 ms"),
    /** Requests delivered twice. */
    DUPLICATE("30-60% of requests duplicated"),
    /** Latency jitter, so messages overtake each other. */
    REORDER("5-60 ms jitter: messages reordered"),
    /** A node crashes (losing what its engines had not yet made durable) and restarts from its data directory. */
    CRASH_RESTART("a node crashes, loses unflushed writes, restarts from disk"),
    /** A node stops answering for a while, then goes on with what queued up. */
    PAUSE("a node pauses (GC-like) 200-1500 ms"),
    /** Node clocks off by up to a few seconds, changing during the run. */
    CLOCK_SKEW("node clocks skewed up to +-3 s"),
    /**
     * One node's disk is full: every engine write there (tables, hints) fails with an I/O
     * error while reads go on; then space returns and the node catches up.
     */
    DISK_FULL("one node's disk full: its engine writes fail 300-1500 ms"),
    /**
     * One node's fsync fails: writes stay readable but are not made durable, not even by a
     * later successful sync (as after a failed fsync on Linux), until that key is written
     * again; the node is killed at the end of the fault or a little later and restarts.
     */
    FSYNC_FAIL("one node's fsync fails, then it is killed and restarts"),
    /**
     * Tombstones purged after a grace period of half a second while node clocks are off by
     * 1-4 s, more than the grace, and one node is cut off half of the time (so hints wait): a
     * deleted key must not come back. No message is delayed, as the purge requires (no
     * message slower than half the grace period, docs/simulation.md).
     */
    TOMBSTONE_SKEW("tombstones purged after a 0.5 s grace, clocks skewed 1-4 s, a node cut off"),
    /**
     * Every kind above, one after another in random order. Tombstones are not purged: delays
     * and pauses here last longer than half the grace period the purge would need.
     */
    MIXED("all of the above, in random order");

    private final String description;

    FaultKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The name used on command lines and in tables: lower case with dashes. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * @throws IllegalArgumentException listing the known kinds
     */
    public static FaultKind parse(String label) {
        for (FaultKind k : values()) {
            if (k.label().equals(label) || k.name().equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault kind '" + label + "'; known: "
                + Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", ")));
    }

    /**
     * The kind seed {@code seed} runs: every kind in turn, so any {@code values().length}
     * consecutive seeds cover them all. Adding a kind changes the kind of most seeds: a seed
     * kept for regression names its kind explicitly.
     */
    public static FaultKind forSeed(long seed) {
        return values()[(int) Math.floorMod(seed, (long) values().length)];
    }

    /** True when nodes purge tombstones during the run (a short grace period): {@link #TOMBSTONE_SKEW}. */
    public boolean purgesTombstones() {
        return this == TOMBSTONE_SKEW;
    }
}
