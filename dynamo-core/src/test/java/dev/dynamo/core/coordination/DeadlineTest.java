package dev.dynamo.core.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final List<String> fired = new ArrayList<>();
    private final Deadline deadline = new Deadline();

    @Test
    void anArmedDeadlineFiresWhenNotCancelled() {
        deadline.arm(scheduler.schedule(() -> fired.add("timeout"), 100));

        scheduler.runFor(100);

        assertEquals(List.of("timeout"), fired);
        assertFalse(deadline.isOver());
    }

    @Test
    void cancellingStopsTheArmedTimer() {
        deadline.arm(scheduler.schedule(() -> fired.add("timeout"), 100));

        deadline.cancel();
        scheduler.runFor(1_000);

        assertEquals(List.of(), fired);
        assertTrue(deadline.isOver());
    }

    @Test
    void aTimerArmedAfterTheRequestWasAnsweredIsCancelledAtOnce() {
        deadline.cancel(); // every replica answered while the first attempts were being made

        deadline.arm(scheduler.schedule(() -> fired.add("timeout"), 100));
        scheduler.runFor(1_000);

        assertEquals(List.of(), fired);
    }
}
