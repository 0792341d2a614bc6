package dev.dynamo.bench.ycsb;

import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * One resource (a client, an engine) shared by the {@code site.ycsb.DB} instances of one
 * YCSB run, opened by the first instance's {@code init()} and closed by the last one's
 * {@code cleanup()}.
 *
 * <p>Why the {@link Properties} object: YCSB creates one DB instance per client thread and
 * offers no shared-context hook, but it hands every instance of a run the <em>same</em>
 * {@code Properties} object. Keeping the resource in it (under a non-string key, which
 * {@code getProperty} and {@code stringPropertyNames} skip) scopes the sharing to the run
 * without static mutable state: two runs in one JVM, or two tests, never see each other's
 * client. {@code Properties} is a {@code Hashtable}, so locking it is the same lock its own
 * methods take.
 *
 * <pre>{@code
 * SharedResource<DynamoClusterClient> shared = SharedResource.acquire(getProperties(), "dynamo-client",
 *         () -> DynamoClusterClient.builder().seeds(seeds).build());
 * DynamoClusterClient client = shared.get();
 * ...
 * shared.release(); // the last release closes the client
 * }</pre>
 *
 * @param <T> the resource's type
 */
public final class SharedResource<T extends AutoCloseable> {
    private final Properties owner;
    private final Key key;
    private final T resource;
    /** Instances holding the resource; guarded by {@link #owner}'s lock. */
    private int holders;

    private SharedResource(Properties owner, Key key, T resource) {
        this.owner = owner;
        this.key = key;
        this.resource = resource;
    }

    /**
     * The resource kept in {@code properties} under {@code name}, opening it with {@code open}
     * when no instance holds it yet. Each call must be matched by one {@link #release()}.
     */
    public static <T extends AutoCloseable> SharedResource<T> acquire(Properties properties, String name,
                                                                      Supplier<T> open) {
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(name, "name");
        Key key = new Key(name);
        synchronized (properties) {
            @SuppressWarnings("unchecked")
            SharedResource<T> shared = (SharedResource<T>) properties.get(key);
            if (shared == null) {
                shared = new SharedResource<>(properties, key, Objects.requireNonNull(open.get(), "opened resource"));
                properties.put(key, shared);
            }
            shared.holders++;
            return shared;
        }
    }

    /**
     * Puts an already open resource in place, held by the caller: the instances' releases
     * never close it (tests hand the binding a client this way).
     */
    public static <T extends AutoCloseable> void provide(Properties properties, String name, T resource) {
        synchronized (properties) {
            Key key = new Key(name);
            if (properties.get(key) != null) {
                throw new IllegalStateException("a shared '" + name + "' is already open in these properties");
            }
            SharedResource<T> shared = new SharedResource<>(properties, key, Objects.requireNonNull(resource));
            shared.holders = 1;
            properties.put(key, shared);
        }
    }

    public T get() {
        return resource;
    }

    /**
     * Gives the resource back; the last holder's release removes it from the properties and
     * closes it.
     *
     * @throws Exception what the resource's {@code close()} throws
     */
    public void release() throws Exception {
        boolean last;
        synchronized (owner) {
            if (holders == 0) {
                throw new IllegalStateException("shared '" + key.name() + "' released more often than acquired");
            }
            holders--;
            last = holders == 0;
            if (last) {
                owner.remove(key);
            }
        }
        if (last) {
            resource.close();
        }
    }

    /** A key no string property can collide with. */
    private record Key(String name) {
    }
}
