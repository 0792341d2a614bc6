package dev.dynamo.core.time;

/**
 * The time source of everything in core: injected, so that tests run on virtual time.
 *
 * <pre>{@code
 * Clock clock = Clock.system();
 * long now = clock.millis();
 * }</pre>
 */
@FunctionalInterface
public interface Clock {

    /** Milliseconds since the epoch (virtual clocks may start anywhere). */
    long millis();

    static Clock system() {
        return System::currentTimeMillis;
    }
}
