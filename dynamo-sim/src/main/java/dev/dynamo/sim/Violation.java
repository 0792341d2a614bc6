package dev.dynamo.sim;

/**
 * One broken guarantee found by the {@link Checker}.
 *
 * @param checker which check: {@code a} (acknowledged write lost), {@code a-ack} (acknowledged
 *                before W replicas stored it), {@code b} (one of two concurrent acknowledged
 *                writes lost), {@code c} (cart add lost), {@code d} (replicas did not
 *                converge), {@code e} (a value no client wrote), {@code e-dot} (two writes
 *                under one write id), {@code f} (a version an acknowledged write replaced is back)
 * @param key     the key concerned, or null for the whole run
 * @param at      virtual time the violation is anchored at (for the history window)
 * @param message what happened, with op ids and dots
 *
 * <pre>{@code
 * new Violation("a", "k1", t, "acknowledged put #12 'k1:c0:3' dot n1:4 is gone");
 * }</pre>
 */
public record Violation(String checker, String key, long at, String message) {

    @Override
    public String toString() {
        return "[" + checker + "]" + (key == null ? "" : " key " + key) + ": " + message;
    }
}
