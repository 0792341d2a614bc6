package dev.dynamo.core.node;

import dev.dynamo.core.antientropy.AntiEntropy;
import dev.dynamo.core.antientropy.TombstonePurger;
import dev.dynamo.core.cluster.NodeContext;
import dev.dynamo.core.handoff.HintStore;
import dev.dynamo.core.handoff.HintedHandoff;

/**
 * The work a node does besides answering requests (paper §4.6-§4.7): handing hints back to
 * their owners, anti-entropy between replicas, and purging tombstones every replica holds.
 * Started together once the node serves, stopped together when it closes. Operators reach them
 * through the node for status and repair ({@code /repair}, metrics, {@code bin/dynamo status}).
 *
 * <pre>{@code
 * BackgroundServices background = node.background();
 * background.antiEntropy().repair("carts").join();    // one anti-entropy round now
 * long hintsHeld = background.hints().pendingTotal();
 * }</pre>
 */
public final class BackgroundServices implements AutoCloseable {
    private final HintStore hints;
    private final HintedHandoff handoff;
    private final AntiEntropy antiEntropy;
    private final TombstonePurger tombstonePurger;

    BackgroundServices(NodeContext node, HintStore hints, NodeOptions options) {
        this.hints = hints;
        this.handoff = new HintedHandoff(node, hints, options.hintIntervalMillis(), options.hintBatchSize(),
                options.tombstoneGraceMillis());
        this.antiEntropy = new AntiEntropy(node, options.antiEntropyIntervalMillis(), options.antiEntropyKeysPerSecond(),
                options.antiEntropyMaxDigests(), options.antiEntropyCrossZoneKeysPerSecond());
        this.tombstonePurger = new TombstonePurger(node, options.tombstoneGraceMillis(),
                options.tombstoneGcIntervalMillis());
    }

    /** Starts hint delivery and, when their intervals are not 0, periodic anti-entropy and tombstone purge. */
    void start() {
        handoff.start();
        antiEntropy.start();
        tombstonePurger.start();
    }

    /** The writes this node keeps for unreachable replicas. */
    public HintStore hints() {
        return hints;
    }

    public HintedHandoff handoff() {
        return handoff;
    }

    public AntiEntropy antiEntropy() {
        return antiEntropy;
    }

    public TombstonePurger tombstonePurger() {
        return tombstonePurger;
    }

    /** Stops the timers; the hint store itself closes with the node's storage. */
    @Override
    public void close() {
        handoff.close();
        antiEntropy.close();
        tombstonePurger.close();
    }
}
