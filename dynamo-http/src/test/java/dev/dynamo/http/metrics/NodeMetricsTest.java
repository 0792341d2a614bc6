package dev.dynamo.http.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {

    private static double count(NodeMetrics m, String op, String table, String outcome) {
        var c = m.registry().find("dynamo.requests").tags("op", op, "table", table, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void countsAndTimesRequestsByOpTableAndOutcome() {
        try (NodeMetrics m = new NodeMetrics("n1", false)) {
            m.requestEnded("get", "t", "ok", 1_000_000);
            m.requestEnded("get", "t", "ok", 3_000_000);
            m.requestEnded("put", "t", "timeout", 2_000_000_000L);
            assertEquals(2, count(m, "get", "t", "ok"));
            assertEquals(1, count(m, "put", "t", "timeout"));
            var timer = m.registry().find("dynamo.request.latency").tags("op", "get", "outcome", "ok").timer();
            assertEquals(2, timer.count());
            assertEquals(4.0, timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS), 1e-9);

            String text = m.scrape();
            assertTrue(text.contains("dynamo_requests_total{"), text);
            assertTrue(text.contains("node=\"n1\""), "every series names the node");
            assertTrue(text.contains("dynamo_request_latency_seconds_bucket{"), "a histogram for percentiles");
            assertTrue(text.contains("dynamo_request_latency_seconds_count{"), text);
        }
    }

    @Test
    void unknownTablesShareOneSeries() {
        try (NodeMetrics m = new NodeMetrics("n1", false)) {
            for (int i = 0; i < 100; i++) {
                m.requestEnded("get", "made-up-" + i, "unknown_table", 1);
            }
            assertEquals(100, count(m, "get", NodeMetrics.UNKNOWN_TABLE_TAG, "unknown_table"));
            assertFalse(m.scrape().contains("made-up-"));
        }
    }

    @Test
    void readRepairsAndHttpResponsesAreCounted() {
        try (NodeMetrics m = new NodeMetrics("n1", false)) {
            m.readRepair("t");
            m.readRepair("t");
            m.httpResponse("GET", "key", 404);
            assertEquals(2, m.registry().find("dynamo.read.repairs").tag("table", "t").counter().count());
            assertEquals(1, m.registry().find("dynamo.http.responses").tags("route", "key", "status", "404")
                    .counter().count());
            assertTrue(m.scrape().contains("dynamo_read_repairs_total{"));
        }
    }

    @Test
    void otherComponentsRegisterGauges() {
        try (NodeMetrics m = new NodeMetrics("n1", false)) {
            AtomicInteger pending = new AtomicInteger(7);
            Gauge.builder("dynamo.hints.pending", pending, AtomicInteger::get).register(m.registry());
            assertTrue(m.scrape().contains("dynamo_hints_pending{node=\"n1\"} 7.0"), m.scrape());
        }
    }

    @Test
    void jvmMetricsAreThereWhenAskedFor() {
        try (NodeMetrics m = new NodeMetrics("n1")) {
            String text = m.scrape();
            assertTrue(text.contains("jvm_memory_used_bytes"), "memory");
            assertTrue(text.contains("jvm_threads_live_threads"), "threads");
            assertTrue(text.contains("process_uptime_seconds"), "uptime");
        }
    }

    @Test
    void aBrokenArgumentNeverThrows() {
        try (NodeMetrics m = new NodeMetrics("n1", false)) {
            m.requestEnded(null, null, null, -5);
            m.readRepair(null);
            m.httpResponse(null, null, 0);
        }
    }
}
