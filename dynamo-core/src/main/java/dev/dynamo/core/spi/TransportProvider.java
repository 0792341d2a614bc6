package dev.dynamo.core.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Factory of a {@link Transport}, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.dynamo.core.spi.TransportProvider}).
 *
 * <pre>{@code
 * Transport t = Plugins.transport("netty").create(new TransportContext("n1", addresses, props, scheduler));
 * }</pre>
 */
public interface TransportProvider {

    /** {@code netty}, {@code local}, ... */
    String name();

    Transport create(TransportContext context);

    /**
     * The largest message a transport created with {@code properties} (its settings, prefix
     * removed) carries, or empty when messages are not bounded (the default). A host checks
     * each table's largest value against it before starting.
     *
     * @throws IllegalArgumentException naming the key and the value when a property is invalid
     */
    default Optional<MessageLimit> messageLimit(Map<String, String> properties) {
        return Optional.empty();
    }
}
