package dev.dynamo.core.spi;

import dev.dynamo.core.time.Scheduler;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a transport is created with.
 *
 * @param localNode   this node's id
 * @param addressOf   resolves a node id to its "host:port" (null when unknown); membership may change it
 * @param properties  transport settings ({@code transport.<name>.*} with that prefix removed)
 * @param scheduler   time and timers; transports must not read the system clock directly
 * @param extensions  what the host gives transports beyond this: for the {@code local} transport,
 *                    the in-JVM network every node of one cluster shares; in production, the
 *                    node's {@link dev.dynamo.core.limits.LimitObserver}, which counts what the
 *                    transport's limits refuse
 */
public record TransportContext(String localNode, Function<String, String> addressOf,
                               Map<String, String> properties, Scheduler scheduler, Extensions extensions) {
    public TransportContext {
        Objects.requireNonNull(localNode, "localNode");
        Objects.requireNonNull(addressOf, "addressOf");
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(extensions, "extensions");
    }

    /** A context with no extensions, as tools create a transport. */
    public TransportContext(String localNode, Function<String, String> addressOf, Map<String, String> properties,
                            Scheduler scheduler) {
        this(localNode, addressOf, properties, scheduler, Extensions.NONE);
    }
}
