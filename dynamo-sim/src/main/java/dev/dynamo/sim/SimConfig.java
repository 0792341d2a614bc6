package dev.dynamo.sim;

import dev.dynamo.core.table.TableConfig;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One table setting the simulation checks: the reconciler, N/R/W and durability of its one
 * table {@code t}. Named like {@code lww-w2}, {@code siblings-w3}, {@code cart-w1} (the
 * {@code cart-union} reconciler), with {@code -sync} for {@code durability=sync}.
 *
 * <pre>{@code
 * SimConfig c = SimConfig.parse("siblings-w2");      // n=3, r=2, w=2, buffered
 * TableConfig t = c.table(1_000);
 * }</pre>
 */
public record SimConfig(String name, String reconciler, int n, int r, int w, TableConfig.Durability durability) {

    /** The name of the simulated table. */
    public static final String TABLE = "t";

    private static final Pattern NAME = Pattern.compile("(lww|siblings|cart)-w([1-9])(-sync)?");

    /** What CI runs: N=3, R=2, W=1..3, every reconciler, the default (buffered) durability. */
    public static final List<SimConfig> MATRIX = List.of(
            parse("lww-w1"), parse("lww-w2"), parse("lww-w3"),
            parse("siblings-w1"), parse("siblings-w2"), parse("siblings-w3"),
            parse("cart-w1"), parse("cart-w2"), parse("cart-w3"));

    /** Also in the results table: the same with durability=sync. */
    public static final List<SimConfig> SYNC = List.of(parse("lww-w1-sync"), parse("siblings-w2-sync"),
            parse("cart-w1-sync"));

    public SimConfig {
        if (w < 1 || w > n || r < 1 || r > n) {
            throw new IllegalArgumentException("configuration '" + name + "': need 1 <= r,w <= n=" + n);
        }
    }

    /**
     * Parses a configuration name.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static SimConfig parse(String name) {
        Matcher m = NAME.matcher(name == null ? "" : name.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown simulation configuration '" + name
                    + "'; expected lww|siblings|cart, then -w1..-w3, optionally -sync (e.g. lww-w2, cart-w1-sync)");
        }
        String reconciler = m.group(1).equals("cart") ? "cart-union" : m.group(1);
        int w = Integer.parseInt(m.group(2));
        TableConfig.Durability d = m.group(3) == null ? TableConfig.Durability.BUFFERED : TableConfig.Durability.SYNC;
        return new SimConfig(m.group(0), reconciler, 3, 2, w, d);
    }

    public boolean isCart() {
        return reconciler.equals("cart-union");
    }

    public boolean isLww() {
        return reconciler.equals("lww");
    }

    /** The table as the nodes run it, on the crashable engine over {@code disk} ({@code mvstore} or {@code memory}). */
    public TableConfig table(long timeoutMillis, String disk) {
        return new TableConfig(TABLE, n, r, w, CrashableEngineProvider.NAME, reconciler, "md5", durability,
                TableConfig.DEFAULT_MAX_VALUE_BYTES, timeoutMillis, Map.of(CrashableEngineProvider.DELEGATE, disk),
                Map.of());
    }

    @Override
    public String toString() {
        return name;
    }
}
