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
    /** Every kind above, one after another in random order. */
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

    /** The kind seed {@code seed} runs: every kind in turn, so any 12 consecutive seeds cover them all. */
    public static FaultKind forSeed(long seed) {
        return values()[(int) Math.floorMod(seed, (long) values().length)];
    }
}
