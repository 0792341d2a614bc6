package dev.dynamo.core.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualSchedulerTest {
    private final VirtualScheduler s = new VirtualScheduler(1_000);
    private final List<String> ran = new ArrayList<>();

    private Runnable record(String name) {
        return () -> ran.add(name + "@" + s.clock().millis());
    }

    @Test
    void runsInOrderOfDueTime() {
        s.schedule(record("c"), 30);
        s.schedule(record("a"), 10);
        s.schedule(record("b"), 20);

        assertTrue(s.runUntilIdle(100));

        assertEquals(List.of("a@1010", "b@1020", "c@1030"), ran);
    }

    @Test
    void tiesRunInOrderOfScheduling() {
        for (int i = 0; i < 10; i++) {
            s.schedule(record("t" + i), 5);
        }
        s.execute(record("now"));

        s.runUntilIdle(100);

        assertEquals("now@1000", ran.get(0));
        for (int i = 0; i < 10; i++) {
            assertEquals("t" + i + "@1005", ran.get(i + 1));
        }
    }

    @Test
    void executeNeverRunsInline() {
        s.execute(record("x"));
        assertTrue(ran.isEmpty());
        assertTrue(s.step());
        assertEquals(List.of("x@1000"), ran);
        assertFalse(s.step());
    }

    @Test
    void tasksScheduledByTasksRunAtTheirOwnTime() {
        s.schedule(() -> {
            ran.add("outer@" + s.clock().millis());
            s.schedule(record("inner"), 7);
        }, 3);

        s.runUntilIdle(100);

        assertEquals(List.of("outer@1003", "inner@1010"), ran);
    }

    @Test
    void cancelledTaskDoesNotRun() {
        Cancellable c = s.schedule(record("cancelled"), 10);
        s.schedule(record("kept"), 20);
        c.cancel();
        c.cancel(); // idempotent

        assertTrue(s.runUntilIdle(100));

        assertEquals(List.of("kept@1020"), ran);
    }

    @Test
    void cancelledTasksDoNotAdvanceTime() {
        Cancellable timer = s.schedule(record("timeout"), 60_000);
        s.schedule(record("answer"), 2);
        timer.cancel();

        assertTrue(s.runUntilIdle(100));

        assertEquals(List.of("answer@1002"), ran);
        assertEquals(1_002, s.clock().millis(), "time stops at the last task that ran");
        assertEquals(0, s.pending());
    }

    @Test
    void runForRunsWhatIsDueAndMovesTimeToTheEnd() {
        s.schedule(record("a"), 5);
        s.schedule(record("b"), 10);
        s.schedule(record("c"), 11);

        s.runFor(10);

        assertEquals(List.of("a@1005", "b@1010"), ran);
        assertEquals(1_010, s.clock().millis());
        assertEquals(1, s.pending());
        s.runFor(1);
        assertEquals(List.of("a@1005", "b@1010", "c@1011"), ran);
    }

    @Test
    void runForDoesNotRunALaterTaskBehindACancelledOne() {
        s.schedule(record("cancelled"), 5).cancel();
        s.schedule(record("later"), 100);

        s.runFor(10);

        assertTrue(ran.isEmpty());
        assertEquals(1_010, s.clock().millis());
    }

    @Test
    void runUntilIdleStopsAfterMaxSteps() {
        Runnable[] forever = new Runnable[1];
        forever[0] = () -> s.schedule(forever[0], 1);
        s.schedule(forever[0], 1);

        assertFalse(s.runUntilIdle(50));
        assertEquals(1_050, s.clock().millis());
    }

    @Test
    void advanceMovesTimeWithoutRunning() {
        s.schedule(record("a"), 10);
        s.advance(100);
        assertTrue(ran.isEmpty());
        assertEquals(1_100, s.clock().millis());
        s.step();
        assertEquals(List.of("a@1100"), ran, "an overdue task runs at the current time");
    }

    @Test
    void negativeDelayMeansNow() {
        s.schedule(record("a"), -5);
        s.step();
        assertEquals(List.of("a@1000"), ran);
    }

    @Test
    void hugeDelayDoesNotOverflowIntoThePast() {
        s.schedule(record("never"), Long.MAX_VALUE);
        s.schedule(record("soon"), 1);

        s.runFor(10);

        assertEquals(List.of("soon@1001"), ran);
    }

    @Test
    void failingTaskPropagatesToTheDriver() {
        s.schedule(() -> {
            throw new IllegalStateException("boom");
        }, 1);
        assertThrows(IllegalStateException.class, s::step);
        assertEquals(1_001, s.clock().millis());
    }
}
