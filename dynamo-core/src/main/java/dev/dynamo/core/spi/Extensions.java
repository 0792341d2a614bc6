package dev.dynamo.core.spi;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed objects a host hands to the plugins it opens, beyond what every plugin gets: the
 * in-JVM network the {@code local} transport joins, or a simulation's model of a node's disk.
 * Keyed by type, so a plugin asks for exactly what it understands and nothing is cast from
 * {@code Object}. Immutable.
 *
 * <pre>{@code
 * Extensions ext = Extensions.NONE.with(LocalNetwork.class, network);
 * Optional<LocalNetwork> network = context.extensions().get(LocalNetwork.class);
 * }</pre>
 */
public final class Extensions {
    /** No extensions: what a production node gives its plugins. */
    public static final Extensions NONE = new Extensions(Map.of());

    private final Map<Class<?>, Object> byType;

    private Extensions(Map<Class<?>, Object> byType) {
        this.byType = byType;
    }

    /** These extensions and {@code value} under {@code type} (replacing one already there). */
    public <T> Extensions with(Class<T> type, T value) {
        Objects.requireNonNull(type, "type");
        Map<Class<?>, Object> copy = new HashMap<>(byType);
        copy.put(type, type.cast(Objects.requireNonNull(value, "value")));
        return new Extensions(Map.copyOf(copy));
    }

    /** The extension registered under {@code type}, if any. */
    public <T> Optional<T> get(Class<T> type) {
        return Optional.ofNullable(type.cast(byType.get(type)));
    }

    @Override
    public String toString() {
        return "Extensions" + byType.keySet().stream().map(Class::getSimpleName).sorted().toList();
    }
}
