package dev.dynamo.core.coordination;

import static dev.dynamo.core.coordination.Fixture.answer;
import static dev.dynamo.core.coordination.Fixture.bytes;
import static dev.dynamo.core.coordination.Fixture.failure;
import static dev.dynamo.core.coordination.Fixture.holding;
import static dev.dynamo.core.coordination.Fixture.set;
import static dev.dynamo.core.coordination.Fixture.string;
import static dev.dynamo.core.coordination.Fixture.version;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.BadRequestException;
import dev.dynamo.api.Context;
import dev.dynamo.api.DynamoTimeoutException;
import dev.dynamo.api.GetResult;
import dev.dynamo.api.InsufficientReplicasException;
import dev.dynamo.api.LimitExceededException;
import dev.dynamo.api.RequestOptions;
import dev.dynamo.api.TooManySiblingsException;
import dev.dynamo.api.UnknownTableException;
import dev.dynamo.api.ValueTooLargeException;
import dev.dynamo.api.VectorClock;
import dev.dynamo.core.protocol.Message;
import dev.dynamo.core.table.Table;
import dev.dynamo.core.table.TableConfig;
import dev.dynamo.core.version.ContextLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Where a client request enters: checked against its table, defaults filled in, its end reported. */
class ClientServiceTest {
    private static final long TABLE_TIMEOUT = 600;
    private static final int MAX_VALUE = 10;

    private final Fixture f = Fixture.inside(new TableConfig(Fixture.TABLE, 3, 2, 2, "memory", "keep-all", "md5",
            TableConfig.Durability.BUFFERED, MAX_VALUE, TABLE_TIMEOUT, Map.of(), Map.of()));
    private final List<String> ended = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();
    private final RequestObserver observer = new RequestObserver() {
        @Override
        public void requestEnded(String op, String table, String outcome, long nanos) {
            assertTrue(nanos >= 0);
            ended.add(op + " " + table + " " + outcome);
        }

        @Override
        public void refused(String limit) {
            ClientServiceTest.this.refused.add(limit);
        }
    };
    private final ClientService clients = new ClientService(this::table, () -> f.cluster, f.reads(observer),
            f.writes(), observer);

    private Table table(String name) {
        if (!name.equals(Fixture.TABLE)) {
            throw new UnknownTableException(name);
        }
        return f.table;
    }

    private void othersHold() {
        for (String node : f.otherReplicas()) {
            f.net.on(node, Message.ReplicaRead.class).hold().on(node, Message.ReplicaWrite.class).hold();
        }
    }

    private void othersAnswer() {
        for (String node : f.otherReplicas()) {
            f.net.on(node, Message.ReplicaRead.class).reply(holding(set(version("n9", 1, "theirs"))))
                    .on(node, Message.ReplicaWrite.class).reply(Fixture.stored(true));
        }
    }

    private CompletableFuture<Context> put(byte[] value, RequestOptions options) {
        return assertDoesNotThrow(() -> clients.put(Fixture.TABLE, f.key, Context.EMPTY, value, options));
    }

    // ---------------------------------------------------------------- checks

    @Test
    void aValueLargerThanTheTablesMaximumFailsWithValueTooLargeAndIsNotWritten() {
        othersAnswer();

        ValueTooLargeException e = failure(put(new byte[MAX_VALUE + 1], RequestOptions.DEFAULT),
                ValueTooLargeException.class);

        assertEquals(MAX_VALUE + 1, e.size());
        assertEquals(MAX_VALUE, e.max());
        assertTrue(f.stored().isEmpty());
        assertEquals(List.of(), f.net.sent());
        assertEquals(List.of("put t value_too_large"), ended);
    }

    @Test
    void aValueOfExactlyTheMaximumIsWritten() {
        othersAnswer();

        answer(put(new byte[MAX_VALUE], RequestOptions.DEFAULT));

        assertEquals(List.of("put t ok"), ended);
    }

    @Test
    void rAboveNFailsWithBadRequestNamingR() {
        BadRequestException e = failure(assertDoesNotThrow(() -> clients.get(Fixture.TABLE, f.key,
                RequestOptions.DEFAULT.withR(4))), BadRequestException.class);

        assertTrue(e.getMessage().startsWith("r=4 "), e.getMessage());
        assertEquals(List.of(), f.net.sent());
        assertEquals(List.of("get t bad_request"), ended);
    }

    @Test
    void wAboveNFailsWithBadRequestNamingW() {
        BadRequestException e = failure(put(bytes("v"), RequestOptions.DEFAULT.withW(4)), BadRequestException.class);
        BadRequestException d = failure(assertDoesNotThrow(() -> clients.delete(Fixture.TABLE, f.key, Context.EMPTY,
                RequestOptions.DEFAULT.withW(4))), BadRequestException.class);

        assertTrue(e.getMessage().startsWith("w=4 "), e.getMessage());
        assertTrue(d.getMessage().startsWith("w=4 "), d.getMessage());
        assertTrue(f.stored().isEmpty());
        assertEquals(List.of("put t bad_request", "delete t bad_request"), ended);
    }

    @Test
    void rAndWOfExactlyNAreAccepted() {
        othersAnswer();

        answer(assertDoesNotThrow(() -> clients.get(Fixture.TABLE, f.key, RequestOptions.DEFAULT.withR(3))));
        answer(put(bytes("v"), RequestOptions.DEFAULT.withW(3)));

        assertEquals(List.of("get t ok", "put t ok"), ended);
    }

    @Test
    void anUnknownTableFailsWithUnknownTable() {
        UnknownTableException g = failure(assertDoesNotThrow(() -> clients.get("nope", f.key,
                RequestOptions.DEFAULT)), UnknownTableException.class);
        UnknownTableException p = failure(assertDoesNotThrow(() -> clients.put("nope", f.key, Context.EMPTY,
                bytes("v"), RequestOptions.DEFAULT)), UnknownTableException.class);
        UnknownTableException d = failure(assertDoesNotThrow(() -> clients.delete("nope", f.key, Context.EMPTY,
                RequestOptions.DEFAULT)), UnknownTableException.class);

        assertEquals("nope", g.table());
        assertEquals("nope", p.table());
        assertEquals("nope", d.table());
        assertEquals(List.of("get nope unknown_table", "put nope unknown_table", "delete nope unknown_table"), ended);
    }

    @Test
    void aTimeoutOverTheLimitIsRefusedAsLimitExceededAndCounted() {
        LimitExceededException g = failure(assertDoesNotThrow(() -> clients.get(Fixture.TABLE, f.key,
                RequestOptions.DEFAULT.withTimeout(Duration.ofMillis(RequestLimits.MAX_TIMEOUT_MILLIS + 1)))),
                LimitExceededException.class);
        LimitExceededException p = failure(put(bytes("v"), RequestOptions.DEFAULT.withTimeout(
                Duration.ofSeconds(Long.MAX_VALUE))), LimitExceededException.class);
        LimitExceededException binary = failure(clients.serve(new Message.Put(Fixture.TABLE, f.key, new byte[0],
                bytes("v"), false, 0, Long.MAX_VALUE, false)), LimitExceededException.class);

        assertEquals(RequestLimits.MAX_TIMEOUT_SETTING, g.limit());
        assertEquals(RequestLimits.MAX_TIMEOUT_MILLIS + 1, g.value());
        assertEquals(RequestLimits.MAX_TIMEOUT_MILLIS, g.max());
        assertEquals(-1, p.value(), "a Duration past Long.MAX_VALUE ms has no millisecond value");
        assertEquals(Long.MAX_VALUE, binary.value());
        assertTrue(f.stored().isEmpty());
        assertEquals(List.of(), f.net.sent());
        assertEquals(List.of("get t limit_exceeded", "put t limit_exceeded", "put t limit_exceeded"), ended);
        assertEquals(List.of("request.max-timeout-ms", "request.max-timeout-ms", "request.max-timeout-ms"), refused);
    }

    @Test
    void aTableWhoseTimeoutIsLongerThanTheLimitAllowsRequestsUpToIt() {
        long hour = 3_600_000;
        Fixture slow = Fixture.inside(TableConfig.of(Fixture.TABLE, 3, 2, 2, "memory", "keep-all")
                .withTimeoutMillis(hour));
        ClientService service = new ClientService(name -> slow.table, () -> slow.cluster, slow.reads(observer),
                slow.writes(), observer);
        for (String node : slow.otherReplicas()) {
            slow.net.on(node, Message.ReplicaRead.class).hold();
        }

        CompletableFuture<GetResult> g = service.get(Fixture.TABLE, slow.key,
                RequestOptions.DEFAULT.withTimeout(Duration.ofMillis(hour)));
        slow.scheduler.runFor(hour - 1);
        assertFalse(g.isDone(), "an hour is the table's own timeout");
        slow.scheduler.runFor(1);
        failure(g, DynamoTimeoutException.class);
        failure(service.get(Fixture.TABLE, slow.key, RequestOptions.DEFAULT.withTimeout(Duration.ofMillis(hour + 1))),
                LimitExceededException.class);
    }

    @Test
    void aContextWithMoreEntriesThanTheLimitIsRefusedAndCounted() {
        List<VectorClock.Entry> entries = new ArrayList<>();
        for (int i = 0; i <= ContextLimits.MAX_ENTRIES; i++) {
            entries.add(new VectorClock.Entry("x" + i, 1, 1));
        }
        Context wide = Context.of(VectorClock.of(entries));

        LimitExceededException e = failure(assertDoesNotThrow(() -> clients.put(Fixture.TABLE, f.key, wide,
                bytes("v"), RequestOptions.DEFAULT)), LimitExceededException.class);
        LimitExceededException binary = failure(clients.serve(new Message.Put(Fixture.TABLE, f.key, wide.toBytes(),
                new byte[0], true, 0, 0, false)), LimitExceededException.class);

        assertEquals(ContextLimits.MAX_ENTRIES_SETTING, e.limit());
        assertEquals(ContextLimits.MAX_ENTRIES + 1, e.value());
        assertEquals(ContextLimits.MAX_ENTRIES_SETTING, binary.limit());
        assertTrue(f.stored().isEmpty());
        assertEquals(List.of("put t limit_exceeded", "delete t limit_exceeded"), ended);
        assertEquals(List.of("context.max-entries", "context.max-entries"), refused);
    }

    @Test
    void aForgedCounterIsRefusedByTheCoordinatorCountedAndNothingIsStored() {
        Context forged = Context.of(VectorClock.of(List.of(new VectorClock.Entry("n1", Long.MAX_VALUE - 1, 1))));

        LimitExceededException e = failure(assertDoesNotThrow(() -> clients.put(Fixture.TABLE, f.key, forged,
                bytes("v"), RequestOptions.DEFAULT)), LimitExceededException.class);

        assertEquals(ContextLimits.MAX_COUNTER_SETTING, e.limit());
        assertEquals(Long.MAX_VALUE - 1, e.value());
        assertEquals(1L << 48, e.max());
        assertTrue(f.stored().isEmpty());
        assertEquals(List.of(), f.net.sent());
        assertEquals(List.of("context.max-counter"), refused);
    }

    @Test
    void aBlindWritePastTheSiblingCapIsRefusedWithTooManySiblingsAndCounted() {
        Fixture capped = Fixture.inside(TableConfig.of(Fixture.TABLE, 3, 1, 1, "memory", "keep-all")
                .withSiblingLimits(2, 1));
        ClientService service = new ClientService(name -> capped.table, () -> capped.cluster,
                capped.reads(observer), capped.writes(), observer);
        for (String node : capped.otherReplicas()) {
            capped.net.on(node, Message.ReplicaWrite.class).reply(Fixture.stored(true));
        }
        answer(service.put(Fixture.TABLE, capped.key, Context.EMPTY, bytes("a"), RequestOptions.DEFAULT));
        Context second = answer(service.put(Fixture.TABLE, capped.key, Context.EMPTY, bytes("b"),
                RequestOptions.DEFAULT));
        int sent = capped.net.sent().size();

        TooManySiblingsException e = failure(service.put(Fixture.TABLE, capped.key, Context.EMPTY, bytes("c"),
                RequestOptions.DEFAULT), TooManySiblingsException.class);

        assertEquals("max-siblings", e.limit());
        assertEquals(3, e.value());
        assertEquals(2, e.max());
        assertEquals(Fixture.TABLE, e.table());
        assertEquals(sent, capped.net.sent().size(), "a refused write is not replicated");
        assertEquals(List.of("max-siblings"), refused);
        // a write that supersedes a sibling is accepted at the cap
        answer(service.put(Fixture.TABLE, capped.key, second, bytes("b2"), RequestOptions.DEFAULT));
        assertEquals(List.of("put t ok", "put t ok", "put t too_many_siblings", "put t ok"), ended);
    }

    // ---------------------------------------------------------------- defaults

    @Test
    void aGetWithoutRWaitsForTheTablesR() {
        othersHold();

        CompletableFuture<GetResult> byTable = clients.get(Fixture.TABLE, f.key, RequestOptions.DEFAULT);
        CompletableFuture<GetResult> one = clients.get(Fixture.TABLE, f.key, RequestOptions.DEFAULT.withR(1));

        assertFalse(byTable.isDone(), "r=2: the coordinator's own answer is not enough");
        assertFalse(answer(one).isFound());
    }

    @Test
    void aPutWithoutWWaitsForTheTablesW() {
        othersHold();

        CompletableFuture<Context> byTable = put(bytes("v"), RequestOptions.DEFAULT);
        CompletableFuture<Context> one = put(bytes("w"), RequestOptions.DEFAULT.withW(1));

        assertFalse(byTable.isDone(), "w=2: the coordinator's own write is not enough");
        answer(one);
    }

    @Test
    void aRequestWithoutATimeoutTakesTheTablesTimeout() {
        othersHold();

        CompletableFuture<GetResult> g = clients.get(Fixture.TABLE, f.key, RequestOptions.DEFAULT);
        CompletableFuture<Context> p = put(bytes("v"), RequestOptions.DEFAULT);
        f.scheduler.runFor(TABLE_TIMEOUT - 1);
        assertFalse(g.isDone() || p.isDone());
        f.scheduler.runFor(1);

        failure(g, DynamoTimeoutException.class);
        failure(p, DynamoTimeoutException.class);
        assertEquals(List.of("get t timeout", "put t timeout"), ended);
    }

    @Test
    void aRequestsOwnTimeoutOverridesTheTables() {
        othersHold();

        CompletableFuture<GetResult> g = clients.get(Fixture.TABLE, f.key,
                RequestOptions.DEFAULT.withTimeout(Duration.ofMillis(100)));
        f.scheduler.runFor(100);

        failure(g, DynamoTimeoutException.class);
    }

    // ---------------------------------------------------------------- the binary protocol

    @Test
    void aBinaryGetWithZeroRAndTimeoutTakesTheTablesSettings() {
        othersHold();

        CompletableFuture<Message.GetResult> g = clients.serve(new Message.Get(Fixture.TABLE, f.key, 0, 0));
        assertFalse(g.isDone(), "r=0 is the table's r=2");
        f.net.held(f.otherReplicas().get(0)).reply(holding(set(version("n9", 1, "theirs"))));

        Message.GetResult r = answer(g);
        assertEquals(List.of("theirs"), r.versions().stream().map(v -> string(v.value())).toList());
        assertTrue(Context.fromBytes(r.context()).covers("n9", 1));
        assertEquals(List.of("get t ok"), ended);
    }

    @Test
    void aBinaryPutIsCoordinatedAndAnsweredWithTheNewContext() {
        othersAnswer();

        Message.PutResult r = answer(clients.serve(new Message.Put(Fixture.TABLE, f.key, Context.EMPTY.toBytes(),
                bytes("v"), false, 0, 0, false)));

        assertTrue(Context.fromBytes(r.context()).covers(f.self + "-actor", 1));
        assertEquals(List.of("v"), Fixture.values(f.stored()));
        assertEquals(List.of("put t ok"), ended);
    }

    @Test
    void aBinaryDeleteIsReportedAsADelete() {
        othersAnswer();

        answer(clients.serve(new Message.Put(Fixture.TABLE, f.key, Context.EMPTY.toBytes(), new byte[0], true, 0, 0,
                false)));

        assertTrue(f.stored().isDeleted());
        assertEquals(List.of("delete t ok"), ended);
    }

    @Test
    void aBinaryPutWithAMalformedContextFailsWithBadRequestAndIsReported() {
        othersAnswer();
        byte[] malformed = {99, 1, 2};

        CompletableFuture<Message.PutResult> r = assertDoesNotThrow(() -> clients.serve(new Message.Put(
                Fixture.TABLE, f.key, malformed, bytes("v"), false, 0, 0, false)));

        BadRequestException e = failure(r, BadRequestException.class);
        assertTrue(e.getMessage().contains("malformed context"), e.getMessage());
        assertTrue(f.stored().isEmpty());
        assertEquals(List.of("put t bad_request"), ended);
    }

    // ---------------------------------------------------------------- what the observer sees

    @Test
    void theObserverSeesEachRequestEndWithOkOrItsErrorCode() {
        othersAnswer();
        answer(put(bytes("v"), RequestOptions.DEFAULT));
        answer(clients.get(Fixture.TABLE, f.key, RequestOptions.DEFAULT));
        for (String node : f.otherReplicas()) {
            f.net.on(node, Message.ReplicaWrite.class).unreachable();
        }

        failure(put(bytes("v"), RequestOptions.DEFAULT.withW(3)), InsufficientReplicasException.class);

        assertEquals(List.of("put t ok", "get t ok", "put t insufficient_replicas"), ended);
    }
}
