package dev.dynamo.core.spi;

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
}
