package dev.dynamo.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTest {

    @Test
    void runsOncePerIntervalUntilClosed() {
        VirtualScheduler scheduler = new VirtualScheduler(0);
        AtomicInteger runs = new AtomicInteger();
        Periodic periodic = Periodic.start(scheduler, 1_000, "counting", runs::incrementAndGet);

        scheduler.runFor(999);
        assertEquals(0, runs.get(), "the first run comes one interval after the start");
        scheduler.runFor(4_001);
        assertEquals(5, runs.get());

        periodic.close();
        scheduler.runFor(10_000);
        assertEquals(5, runs.get(), "no run after close");
        assertEquals(0, scheduler.pending());
    }

    @Test
    void aRunThatThrowsDoesNotEndTheRuns() {
        VirtualScheduler scheduler = new VirtualScheduler(0);
        AtomicInteger runs = new AtomicInteger();
        try (Periodic ignored = Periodic.start(scheduler, 100, "failing", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("unreadable file");
        })) {
            scheduler.runFor(1_000);
            assertEquals(10, runs.get());
        }
    }

    @Test
    void refusesANonPositiveInterval() {
        VirtualScheduler scheduler = new VirtualScheduler(0);
        assertThrows(IllegalArgumentException.class, () -> Periodic.start(scheduler, 0, "never", () -> { }));
    }
}
