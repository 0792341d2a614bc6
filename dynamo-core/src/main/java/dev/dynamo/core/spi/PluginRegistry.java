package dev.dynamo.core.spi;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a node finds its plugins by name, and the {@link Extensions} it hands to each plugin
 * it opens. A node is given one instead of looking plugins up statically, so that a test or the
 * simulation can add a provider or an extension for one node without touching the class path.
 * The default, {@link #installed()}, finds what {@code META-INF/services} declares
 * ({@link Plugins}). Asking for a name that is not there fails with
 * {@link UnknownPluginException} listing the names that are.
 *
 * <pre>{@code
 * PluginRegistry plugins = PluginRegistry.installed()
 *         .withEngine(new AppendLogEngineProvider())              // not on the class path's services
 *         .withExtension(LocalNetwork.class, network);            // given to every engine and transport
 * StorageEngine engine = plugins.engine("append-log").open(context);
 * }</pre>
 */
public final class PluginRegistry {
    private static final PluginRegistry INSTALLED = new PluginRegistry(Map.of(), Extensions.NONE);

    private final Map<String, StorageEngineProvider> addedEngines;
    private final Extensions extensions;

    private PluginRegistry(Map<String, StorageEngineProvider> addedEngines, Extensions extensions) {
        this.addedEngines = addedEngines;
        this.extensions = extensions;
    }

    /** The plugins {@code META-INF/services} declares, with no extensions. */
    public static PluginRegistry installed() {
        return INSTALLED;
    }

    /** This registry with {@code provider} added under its name, taking precedence over an installed one. */
    public PluginRegistry withEngine(StorageEngineProvider provider) {
        Map<String, StorageEngineProvider> copy = new HashMap<>(addedEngines);
        copy.put(Objects.requireNonNull(provider, "provider").name(), provider);
        return new PluginRegistry(Map.copyOf(copy), extensions);
    }

    /** This registry handing {@code value} to every plugin it opens, under {@code type}. */
    public <T> PluginRegistry withExtension(Class<T> type, T value) {
        return new PluginRegistry(addedEngines, extensions.with(type, value));
    }

    /** What a host gives every plugin it opens through this registry. */
    public Extensions extensions() {
        return extensions;
    }

    public StorageEngineProvider engine(String name) {
        StorageEngineProvider added = addedEngines.get(name);
        if (added != null) {
            return added;
        }
        try {
            return Plugins.engine(name);
        } catch (UnknownPluginException e) {
            Set<String> names = new TreeSet<>(Plugins.installed(StorageEngineProvider.class,
                    StorageEngineProvider::name).keySet());
            names.addAll(addedEngines.keySet());
            throw new UnknownPluginException("engine", name, names);
        }
    }

    public ReconcilerProvider reconciler(String name) {
        return Plugins.reconciler(name);
    }

    public Partitioner partitioner(String name) {
        return Plugins.partitioner(name);
    }

    public TransportProvider transport(String name) {
        return Plugins.transport(name);
    }

    @Override
    public String toString() {
        return "PluginRegistry[added engines " + new TreeSet<>(addedEngines.keySet()) + ", " + extensions + "]";
    }
}
