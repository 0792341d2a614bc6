package dev.dynamo.core.spi;

/** One entry of a {@link StorageEngine#scan scan}. */
public record KeyValue(byte[] key, byte[] value) {
}
