/**
 * The plugin seams of the store: storage engines, reconcilers, partitioners and
 * transports. Plugins compile against this package only and are found with
 * {@link java.util.ServiceLoader} through {@link dev.dynamo.core.spi.Plugins}.
 */
package dev.dynamo.core.spi;
