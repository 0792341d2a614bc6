package dev.dynamo.core.coordination;

/**
 * The arithmetic of one quorum round, free of threads and time: {@code total} replicas
 * asked, {@code required} successes needed. Each answer moves it; it decides once.
 *
 * <pre>{@code
 * QuorumTracker q = new QuorumTracker(2, 3);
 * q.success();          // PENDING
 * q.failure();          // PENDING (one more success can still make it)
 * q.success();          // SUCCEEDED
 * }</pre>
 */
public final class QuorumTracker {

    /** Where the round stands. */
    public enum Decision { PENDING, SUCCEEDED, FAILED }

    private final int required;
    private final int total;
    private int successes;
    private int failures;
    private Decision decision = Decision.PENDING;

    public QuorumTracker(int required, int total) {
        if (required < 1 || required > total) {
            throw new IllegalArgumentException("required must be 1.." + total + ", was " + required);
        }
        this.required = required;
        this.total = total;
    }

    public Decision success() {
        successes++;
        return decide();
    }

    public Decision failure() {
        failures++;
        return decide();
    }

    private Decision decide() {
        if (decision == Decision.PENDING) {
            if (successes >= required) {
                decision = Decision.SUCCEEDED;
            } else if (total - failures < required) {
                decision = Decision.FAILED;
            }
        }
        return decision;
    }

    /** The current decision. */
    public Decision decision() {
        return decision;
    }

    public int successes() {
        return successes;
    }

    public int failures() {
        return failures;
    }

    public int required() {
        return required;
    }

    public boolean allAnswered() {
        return successes + failures == total;
    }
}
