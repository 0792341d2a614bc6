package dev.dynamo.core.version;

import java.util.Objects;

/**
 * The event that created one version: the coordinating node and its counter. Kept apart
 * from the causal context so that two writes which did not see each other are never
 * mistaken for ordered ones (dotted version vectors).
 */
public record Dot(String node, long counter) {
    public Dot {
        Objects.requireNonNull(node, "node");
        if (node.isEmpty()) {
            throw new IllegalArgumentException("dot node must not be empty");
        }
        if (counter < 1) {
            throw new IllegalArgumentException("dot counter must be >= 1, was " + counter);
        }
    }
}
