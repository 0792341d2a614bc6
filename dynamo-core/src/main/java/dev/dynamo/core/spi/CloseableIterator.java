package dev.dynamo.core.spi;

import java.util.Iterator;

/** An iterator over engine resources; close it, also when not exhausted. */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
    @Override
    void close();
}
