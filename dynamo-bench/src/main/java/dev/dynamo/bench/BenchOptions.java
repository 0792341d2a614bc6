package dev.dynamo.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One load-generator run.
 *
 * @param table         table to load
 * @param threads       client threads (each runs one request at a time)
 * @param readFraction  share of gets, 0..1; the rest are puts
 * @param valueBytes    size of written values
 * @param keyCount      keys are "key" + 0..keyCount-1
 * @param zipfian       zipfian key choice (else uniform)
 * @param duration      run time; ignored when {@code operations} > 0
 * @param operations    total operations, 0 for a timed run
 * @param targetRate    total operations per second, 0 for as fast as possible; latency is then
 *                      measured from each operation's intended start (no coordinated omission)
 * @param histogramDir  where to write one HdrHistogram log per operation type, or null
 * @param seed          seed of key and value choice
 */
public record BenchOptions(String table, int threads, double readFraction, int valueBytes, long keyCount,
                           boolean zipfian, Duration duration, long operations, double targetRate, Path histogramDir,
                           long seed) {
    public BenchOptions {
        if (threads < 1 || threads > 4096) {
            throw new IllegalArgumentException("threads must be 1..4096, was " + threads);
        }
        if (!(readFraction >= 0 && readFraction <= 1)) {
            throw new IllegalArgumentException("read fraction must be between 0 and 1, was " + readFraction);
        }
        if (valueBytes < 0) {
            throw new IllegalArgumentException("value size must be >= 0, was " + valueBytes);
        }
        if (keyCount < 1) {
            throw new IllegalArgumentException("key count must be >= 1, was " + keyCount);
        }
        if (operations < 0) {
            throw new IllegalArgumentException("operations must be >= 0, was " + operations);
        }
        if (operations == 0 && (duration == null || duration.isZero() || duration.isNegative())) {
            throw new IllegalArgumentException("give a positive duration or an operation count");
        }
        if (targetRate < 0) {
            throw new IllegalArgumentException("target rate must be >= 0, was " + targetRate);
        }
    }
}
