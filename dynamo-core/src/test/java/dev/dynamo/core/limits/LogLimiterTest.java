package dev.dynamo.core.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A flood of one kind of hostile input writes one log line per interval, saying how many it dropped. */
class LogLimiterTest {

    @Test
    void oneLinePerKindPerIntervalAndTheNextOneCountsTheDropped() {
        AtomicLong now = new AtomicLong(1_000);
        LogLimiter limiter = new LogLimiter(now::get, 10_000);

        assertEquals(0, limiter.admit("malformed-frame"));
        for (int i = 0; i < 500; i++) {
            assertEquals(-1, limiter.admit("malformed-frame"));
        }
        assertEquals(0, limiter.admit("refused-connection"), "another kind has its own window");

        now.addAndGet(9_999);
        assertEquals(-1, limiter.admit("malformed-frame"));
        now.addAndGet(1);
        assertEquals(501, limiter.admit("malformed-frame"));
        assertEquals(-1, limiter.admit("malformed-frame"));
    }
}
