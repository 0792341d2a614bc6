package dev.dynamo.core.spi.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Reads an engine's {@code engine.<name>.*} properties (as {@link dev.dynamo.core.spi.EngineContext#properties()}
 * hands them over, prefix removed) into typed values, failing on the first unknown key or
 * malformed value with a message an operator can act on without reading code.
 *
 * <p>Caller may assume: {@link #parse} rejects every key not in the known list; each getter
 * returns its default when the key is absent, trims the value before reading it, and
 * otherwise throws an {@link IllegalArgumentException} whose message names the table, the
 * full key ({@code engine.<name>.<key>}), the value as written and what is allowed:
 * <pre>
 * table 'carts': unknown property engine.rocksdb.block-cache; known: block-cache-mb, sync-writes, write-buffer-mb
 * table 'carts': engine.rocksdb.write-buffer-mb must be an integer &gt;= 1, was '0'
 * table 'carts': engine.bdb.durability must be sync, write-no-sync or no-sync, was 'fsync'
 * </pre>
 *
 * <pre>{@code
 * record Settings(int cacheMb, boolean syncWrites) {
 *     static Settings parse(String table, Map<String, String> properties) {
 *         EngineProperties p = EngineProperties.parse("my-engine", table, properties,
 *                 List.of("cache-mb", "sync-writes"));
 *         return new Settings(p.intAtLeast("cache-mb", 16, 0), p.bool("sync-writes", false));
 *     }
 * }
 * }</pre>
 */
public final class EngineProperties {
    private final String engine;
    private final String table;
    private final Map<String, String> properties;

    private EngineProperties(String engine, String table, Map<String, String> properties) {
        this.engine = engine;
        this.table = table;
        this.properties = properties;
    }

    /**
     * Checks that every key of {@code properties} is in {@code known} and returns a reader of
     * their values.
     *
     * @throws IllegalArgumentException for the first unknown key (in sorted order), naming it
     *         and listing the known keys sorted
     */
    public static EngineProperties parse(String engine, String table, Map<String, String> properties,
                                         Collection<String> known) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(table, "table");
        Map<String, String> copy = Map.copyOf(properties);
        List<String> sortedKnown = List.copyOf(new TreeSet<>(known));
        for (String key : new TreeSet<>(copy.keySet())) {
            if (!sortedKnown.contains(key)) {
                throw new IllegalArgumentException("table '" + table + "': unknown property engine." + engine + "."
                        + key + "; known: " + String.join(", ", sortedKnown));
            }
        }
        return new EngineProperties(engine, table, copy);
    }

    /**
     * For an engine that takes no properties.
     *
     * @throws IllegalArgumentException when {@code properties} is not empty, naming every key
     *         given, sorted
     */
    public static void requireNone(String engine, String table, Map<String, String> properties) {
        if (!properties.isEmpty()) {
            String prefix = "engine." + engine + ".";
            throw new IllegalArgumentException("table '" + table + "': engine '" + engine + "' takes no"
                    + " properties, got " + prefix + String.join(", " + prefix, new TreeSet<>(properties.keySet())));
        }
    }

    /** The integer under {@code key}, at least {@code min}; {@code defaultValue} when absent. */
    public int intAtLeast(String key, int defaultValue, int min) {
        return integer(key, defaultValue, min, Integer.MAX_VALUE, "an integer >= " + min);
    }

    /** The integer under {@code key}, from {@code min} to {@code max} inclusive; {@code defaultValue} when absent. */
    public int intInRange(String key, int defaultValue, int min, int max) {
        return integer(key, defaultValue, min, max, "an integer from " + min + " to " + max);
    }

    /** {@code true} or {@code false} under {@code key}; {@code defaultValue} when absent. */
    public boolean bool(String key, boolean defaultValue) {
        return oneOf(key, defaultValue, Map.entry("true", true), Map.entry("false", false));
    }

    /**
     * The value that {@code choices} maps the word under {@code key} to; {@code defaultValue}
     * when absent. The message of a bad word lists the choices in the order given.
     */
    @SafeVarargs
    public final <T> T oneOf(String key, T defaultValue, Map.Entry<String, ? extends T>... choices) {
        String raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        String word = raw.trim();
        List<String> words = new ArrayList<>(choices.length);
        for (Map.Entry<String, ? extends T> choice : choices) {
            if (choice.getKey().equals(word)) {
                return choice.getValue();
            }
            words.add(choice.getKey());
        }
        throw malformed(key, raw, alternatives(words));
    }

    private int integer(String key, int defaultValue, int min, int max, String allowed) {
        String raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            IllegalArgumentException bad = malformed(key, raw, allowed);
            bad.initCause(e);
            throw bad;
        }
        if (value < min || value > max) {
            throw malformed(key, raw, allowed);
        }
        return value;
    }

    /** Not-a-number and out-of-range read alike: both say what is allowed and what was written. */
    private IllegalArgumentException malformed(String key, String raw, String allowed) {
        return new IllegalArgumentException("table '" + table + "': engine." + engine + "." + key + " must be "
                + allowed + ", was '" + raw + "'");
    }

    /** "a", "a or b", "a, b or c". */
    private static String alternatives(List<String> words) {
        if (words.size() <= 1) {
            return String.join("", words);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }
}
