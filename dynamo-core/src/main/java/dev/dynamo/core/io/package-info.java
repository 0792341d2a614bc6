/**
 * Bounds-checked byte encoding shared by the codecs of versions, rings and messages:
 * {@link dev.dynamo.core.io.ByteWriter} writes, {@link dev.dynamo.core.io.ByteReader} reads and
 * throws {@link java.lang.IllegalArgumentException} on anything truncated or out of range.
 */
package dev.dynamo.core.io;
