package dev.dynamo.core.spi;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds installed plugins by name with {@link ServiceLoader}. Asking for a name that is
 * not installed fails with the list of installed names.
 *
 * <pre>{@code
 * StorageEngineProvider mv = Plugins.engine("mvstore");
 * Reconciler lww = Plugins.reconciler("lww").create("default", Map.of());
 * }</pre>
 */
public final class Plugins {

    private Plugins() {
    }

    public static StorageEngineProvider engine(String name) {
        return find(StorageEngineProvider.class, StorageEngineProvider::name, "engine", name);
    }

    public static ReconcilerProvider reconciler(String name) {
        return find(ReconcilerProvider.class, ReconcilerProvider::name, "reconciler", name);
    }

    public static Partitioner partitioner(String name) {
        return find(Partitioner.class, Partitioner::name, "partitioner", name);
    }

    public static TransportProvider transport(String name) {
        return find(TransportProvider.class, TransportProvider::name, "transport", name);
    }

    /** Installed plugins of one kind by name, sorted. */
    public static <T> Map<String, T> installed(Class<T> type, Function<T, String> nameOf) {
        Map<String, T> byName = new TreeMap<>();
        for (T plugin : ServiceLoader.load(type, Plugins.class.getClassLoader())) {
            T previous = byName.putIfAbsent(nameOf.apply(plugin), plugin);
            if (previous != null && previous.getClass() != plugin.getClass()) {
                throw new IllegalStateException("two " + type.getSimpleName() + " plugins are named '"
                        + nameOf.apply(plugin) + "': " + previous.getClass().getName() + " and "
                        + plugin.getClass().getName());
            }
        }
        return byName;
    }

    private static <T> T find(Class<T> type, Function<T, String> nameOf, String kind, String name) {
        Map<String, T> byName = installed(type, nameOf);
        T plugin = byName.get(name);
        if (plugin == null) {
            throw new UnknownPluginException(kind, name, byName.keySet());
        }
        return plugin;
    }
}
