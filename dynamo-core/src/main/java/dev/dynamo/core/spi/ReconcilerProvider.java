package dev.dynamo.core.spi;

import java.util.Map;

/**
 * Factory of a {@link Reconciler}, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.dynamo.core.spi.ReconcilerProvider}).
 *
 * <pre>{@code
 * public final class LongestWinsProvider implements ReconcilerProvider {
 *     public String name() { return "longest"; }
 *     public Reconciler create(String table, Map<String, String> props) { return new LongestWins(); }
 * }
 * }</pre>
 */
public interface ReconcilerProvider {

    /** The name tables use in {@code reconciler=...}. */
    String name();

    /**
     * A reconciler for {@code table}.
     *
     * @param properties the table's {@code reconciler.<name>.*} keys with that prefix removed
     * @throws IllegalArgumentException for a bad property, naming it
     */
    Reconciler create(String table, Map<String, String> properties);
}
