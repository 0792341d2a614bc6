package dev.dynamo.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One properties file being parsed: typed getters that fail with the file, the key, the
 * value and the rule, and a check that every key was understood (typo protection).
 * Values are trimmed, because trailing blanks in a properties file are invisible.
 */
final class ConfigFile {
    private final Path path;
    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    static ConfigFile read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(path, "file not found");
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape
            throw new ConfigException(path, "cannot read: " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            values.put(key.trim(), p.getProperty(key).trim());
        }
        return new ConfigFile(path, values);
    }

    static ConfigFile of(Path path, Map<String, String> values) {
        return new ConfigFile(path, new TreeMap<>(values));
    }

    Path path() {
        return path;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    Optional<String> optional(String key) {
        read.add(key);
        String v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(v);
    }

    String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    String required(String key, String what) {
        return optional(key).orElseThrow(() -> new ConfigException(path, "key '" + key + "' is missing: " + what));
    }

    /** An integer in [min, max]; {@code rule} is the allowed range in words, e.g. "between 1 and n=3". */
    int integer(String key, int defaultValue, int min, int max, String rule) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return parseInt(key, raw.get(), min, max, rule);
    }

    int parseInt(String key, String raw, int min, int max, String rule) {
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "must be an integer " + rule);
        }
        if (v < min || v > max) {
            throw invalid(key, raw, "must be an integer " + rule);
        }
        return v;
    }

    long longInteger(String key, long defaultValue, long min, long max, String rule) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        long v;
        try {
            v = Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw invalid(key, raw.get(), "must be an integer " + rule);
        }
        if (v < min || v > max) {
            throw invalid(key, raw.get(), "must be an integer " + rule);
        }
        return v;
    }

    /** A finite number {@code > 0}. */
    double positive(String key, double defaultValue) {
        Optional<String> raw = optional(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        double v;
        try {
            v = Double.parseDouble(raw.get());
        } catch (NumberFormatException e) {
            throw invalid(key, raw.get(), "must be a number greater than 0, such as 1 or 2.5");
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw invalid(key, raw.get(), "must be a number greater than 0, such as 1 or 2.5");
        }
        return v;
    }

    /** One of {@code allowed} (exact, lowercase). */
    String choice(String key, String defaultValue, Collection<String> allowed) {
        String v = string(key, defaultValue);
        if (!allowed.contains(v)) {
            throw invalid(key, v, "must be one of " + String.join(", ", allowed));
        }
        return v;
    }

    /**
     * Keys {@code <prefix><name>.<rest>}: marks them read and returns, for {@code name},
     * the map of {@code rest} to value. Keys for other names are accepted and ignored so
     * that switching a plugin is a one-line change; a key without the {@code <name>.} part
     * is an error.
     */
    Map<String, String> pluginProperties(String prefix, String name) {
        Map<String, String> selected = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(prefix)) {
                continue;
            }
            read.add(key);
            String rest = key.substring(prefix.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new ConfigException(path, "key '" + key + "' = '" + e.getValue() + "': plugin keys must have"
                        + " the form " + prefix + "<plugin name>.<property>, e.g. " + prefix + name + ".some-setting");
            }
            if (rest.substring(0, dot).equals(name)) {
                selected.put(rest.substring(dot + 1), e.getValue());
            }
        }
        return selected;
    }

    /** Fails on the first key no getter asked for, listing the keys this file may hold. */
    void rejectUnknownKeys(Collection<String> allowedDescription) {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw new ConfigException(path, "unknown key '" + key + "' = '" + values.get(key) + "'; allowed keys: "
                        + String.join(", ", new TreeSet<>(allowedDescription)));
            }
        }
    }

    ConfigException invalid(String key, String value, String rule) {
        return new ConfigException(path, "key '" + key + "' = '" + value + "': " + rule);
    }
}
