package dev.dynamo.core.transport.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.core.spi.MessageHandler;
import dev.dynamo.core.spi.TransportException;
import dev.dynamo.core.time.SystemScheduler;
import dev.dynamo.core.time.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class LocalNetworkTest {
    private static final int MAX_STEPS = 1_000_000;
    private static final long TIMEOUT = 100;

    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final LocalNetwork network = new LocalNetwork(scheduler, 1234);

    /** One delivery as a handler saw it. */
    private record Seen(long time, String at, String from, String body) {
    }

    private final List<Seen> seen = new ArrayList<>();

    private LocalTransport echoNode(String id) {
        return echoNode(network, seen, id);
    }

    private static LocalTransport echoNode(LocalNetwork net, List<Seen> log, String id) {
        LocalTransport t = net.transport(id);
        t.start((from, request) -> {
            String body = new String(request, UTF_8);
            log.add(new Seen(net.scheduler().clock().millis(), id, from, body));
            return CompletableFuture.completedFuture(("re:" + body).getBytes(UTF_8));
        });
        return t;
    }

    private static CompletableFuture<byte[]> send(LocalTransport from, String to, String body) {
        return from.send(to, body.getBytes(UTF_8), TIMEOUT);
    }

    private void runUntilIdle() {
        assertTrue(scheduler.runUntilIdle(MAX_STEPS), "simulation did not go idle");
    }

    private static TransportException.Kind failureKind(CompletableFuture<?> f) {
        assertTrue(f.isDone(), "future not done");
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return assertInstanceOf(TransportException.class, e.getCause()).kind();
        }
    }

    private static String answer(CompletableFuture<byte[]> f) {
        assertTrue(f.isDone(), "future not done");
        return new String(f.join(), UTF_8);
    }

    // ------------------------------------------------------------------ determinism

    /** Runs a 3-node workload with every random fault on and returns its full trace. */
    private static List<String> simulate(long seed, double dropProbability) {
        VirtualScheduler s = new VirtualScheduler(1_000);
        LocalNetwork net = new LocalNetwork(s, seed);
        net.setLatency(1, 10);
        net.setDropProbability(dropProbability);
        net.setDuplicateProbability(0.1);
        net.setLinkDelay("n0", "n2", 5, 20);
        List<String> trace = new ArrayList<>();
        net.addListener(e -> trace.add(e.toString()));
        List<Seen> log = new ArrayList<>();
        List<LocalTransport> nodes = List.of(echoNode(net, log, "n0"), echoNode(net, log, "n1"), echoNode(net, log, "n2"));
        Random workload = new Random(99); // independent of the network's seed
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            LocalTransport from = nodes.get(workload.nextInt(3));
            String to = "n" + workload.nextInt(3);
            replies.add(from.send(to, ("m" + i).getBytes(UTF_8), TIMEOUT));
            s.runFor(workload.nextInt(4));
        }
        assertTrue(s.runUntilIdle(MAX_STEPS));
        log.forEach(x -> trace.add(x.toString()));
        for (CompletableFuture<byte[]> r : replies) {
            trace.add(String.valueOf(failureKind(r) == null ? answer(r) : failureKind(r)));
        }
        trace.add(net.stats().toString());
        return trace;
    }

    @Test
    void sameSeedAndFaultsReplayTheSameRun() {
        List<String> first = simulate(7, 0.3);
        List<String> second = simulate(7, 0.3);
        assertEquals(first, second);
        assertTrue(first.stream().anyMatch(l -> l.contains("DROPPED")), "faults were exercised");
        assertTrue(first.stream().anyMatch(l -> l.contains("DUPLICATED")), "faults were exercised");
    }

    @Test
    void differentSeedGivesADifferentRun() {
        assertNotEquals(simulate(7, 0.3), simulate(8, 0.3));
    }

    // ------------------------------------------------------------------ latency, ordering, copies

    @Test
    void deliveryTakesTheBaseLatencyEachWay() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setLatency(3, 0);

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        scheduler.runFor(2);
        assertTrue(seen.isEmpty(), "never inline, never early");
        scheduler.runFor(1);
        assertEquals(List.of(new Seen(3, "b", "a", "x")), seen);
        assertFalse(reply.isDone());
        scheduler.runFor(3);
        assertEquals("re:x", answer(reply));
        assertEquals(6, scheduler.clock().millis());
    }

    @Test
    void withoutJitterALinkIsFifo() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        for (int i = 0; i < 20; i++) {
            send(a, "b", "m" + i);
        }
        runUntilIdle();
        assertEquals(20, seen.size());
        for (int i = 0; i < 20; i++) {
            assertEquals("m" + i, seen.get(i).body());
        }
    }

    @Test
    void jitterReordersMessages() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setLatency(1, 20);
        for (int i = 0; i < 50; i++) {
            send(a, "b", String.format("m%02d", i));
        }
        runUntilIdle();
        List<String> bodies = seen.stream().map(Seen::body).toList();
        assertEquals(50, bodies.size());
        assertNotEquals(bodies.stream().sorted().toList(), bodies, "some messages overtook others");
        assertTrue(seen.stream().allMatch(x -> x.time() >= 1 && x.time() <= 21), "latency within [1, 21]");
    }

    @Test
    void linkDelayAppliesToOneDirectionOnly() {
        LocalTransport a = echoNode("a");
        LocalTransport b = echoNode("b");
        network.setLinkDelay("a", "b", 50, 0);

        send(a, "b", "ab");
        send(b, "a", "ba");
        runUntilIdle();

        assertEquals(List.of(new Seen(1, "a", "b", "ba"), new Seen(51, "b", "a", "ab")), seen);
    }

    @Test
    void payloadsAreCopiedForEveryDelivery() {
        network.setDuplicateProbability(1.0);
        List<byte[]> received = new ArrayList<>();
        LocalTransport b = network.transport("b");
        b.start((from, request) -> {
            received.add(request);
            request[0] = 99; // a handler scribbling on its copy harms nobody
            return CompletableFuture.completedFuture(request);
        });
        LocalTransport a = echoNode("a");
        byte[] request = {1};

        CompletableFuture<byte[]> reply = a.send("b", request, TIMEOUT);
        runUntilIdle();

        assertEquals(2, received.size());
        assertArrayEquals(new byte[] {1}, request);
        assertArrayEquals(new byte[] {99}, reply.join());
        assertTrue(received.get(0) != received.get(1), "each duplicate has its own array");
    }

    // ------------------------------------------------------------------ drops, timeouts, failures

    @Test
    void droppedRequestTimesOutAfterTheSendTimeout() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setDropProbability(1.0);

        CompletableFuture<byte[]> reply = a.send("b", new byte[] {1}, 250);
        scheduler.runFor(249);
        assertFalse(reply.isDone());
        scheduler.runFor(1);
        assertEquals(TransportException.Kind.TIMEOUT, failureKind(reply));
        assertTrue(seen.isEmpty());
        assertEquals(1, network.stats().requestsDropped());
    }

    @Test
    void dropRateMatchesTheProbability() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setDropProbability(0.3);
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            send(a, "b", "m");
        }
        runUntilIdle();
        NetworkStats stats = network.stats();
        double requestDropRate = stats.requestsDropped() / (double) stats.requestsSent();
        double responseDropRate = stats.responsesDropped() / (double) stats.responsesSent();
        assertEquals(0.3, requestDropRate, 0.04, stats.toString());
        assertEquals(0.3, responseDropRate, 0.04, stats.toString());
        assertEquals(stats.requestsSent(), stats.requestsDelivered() + stats.requestsDropped());
        assertEquals(stats.responsesSent(), stats.responsesDelivered() + stats.responsesDropped());
    }

    @Test
    void perLinkDropProbabilityOverridesTheGlobalOne() {
        LocalTransport a = echoNode("a");
        LocalTransport b = echoNode("b");
        network.setDropProbability(1.0);
        network.setDropProbability("a", "b", 0.0);
        network.setDropProbability("b", "a", 0.0);
        LocalTransport c = echoNode("c");

        CompletableFuture<byte[]> ab = send(a, "b", "ok");
        CompletableFuture<byte[]> ac = send(a, "c", "lost");
        CompletableFuture<byte[]> ba = send(b, "a", "ok2");
        runUntilIdle();

        assertEquals("re:ok", answer(ab));
        assertEquals("re:ok2", answer(ba));
        assertEquals(TransportException.Kind.TIMEOUT, failureKind(ac));
        assertEquals("c", c.localNode());
    }

    @Test
    void lostResponseTimesOutAfterTheHandlerRan() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setDropProbability("b", "a", 1.0);

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        runUntilIdle();

        assertEquals(1, seen.size(), "the request arrived");
        assertEquals(TransportException.Kind.TIMEOUT, failureKind(reply));
        assertEquals(1, network.stats().responsesDropped());
    }

    @Test
    void duplicatedRequestReachesTheHandlerTwiceButCompletesOnce() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setDuplicateProbability(1.0);

        CompletableFuture<byte[]> reply = send(a, "b", "twice");
        runUntilIdle();

        assertEquals(2, seen.size());
        assertTrue(seen.stream().allMatch(x -> x.body().equals("twice")));
        assertEquals("re:twice", answer(reply));
        NetworkStats stats = network.stats();
        assertEquals(1, stats.requestsSent());
        assertEquals(1, stats.requestsDuplicated());
        assertEquals(2, stats.requestsDelivered());
        assertEquals(2, stats.responsesDelivered());
        assertEquals(1, stats.lateResponses());
    }

    @Test
    void unknownNodeIsUnreachableAfterOneLatencyNotAfterTheTimeout() {
        LocalTransport a = echoNode("a");

        CompletableFuture<byte[]> reply = send(a, "ghost", "x");
        assertFalse(reply.isDone(), "never completes inline");
        scheduler.runFor(LocalNetwork.DEFAULT_LATENCY_MILLIS);

        assertEquals(TransportException.Kind.UNREACHABLE, failureKind(reply));
        assertEquals(1, network.stats().requestsRefused());
    }

    @Test
    void nodeNotStartedRefusesConnections() {
        LocalTransport a = echoNode("a");
        network.transport("b");

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        runUntilIdle();

        assertEquals(TransportException.Kind.UNREACHABLE, failureKind(reply));
    }

    @Test
    void remoteFailureCarriesTheRemoteMessage() {
        LocalTransport a = echoNode("a");
        LocalTransport b = network.transport("b");
        b.start((from, request) -> CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("quota exceeded for table carts");
        }, scheduler::execute));

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        runUntilIdle();

        assertEquals(TransportException.Kind.REMOTE_FAILURE, failureKind(reply));
        String message = assertThrows(CompletionException.class, reply::join).getCause().getMessage();
        assertTrue(message.contains("quota exceeded for table carts"), message);
        assertTrue(message.contains("'b'"), message);
    }

    @Test
    void handlerAnsweringNullIsARemoteFailure() {
        LocalTransport a = echoNode("a");
        LocalTransport b = network.transport("b");
        b.start((from, request) -> CompletableFuture.completedFuture(null));

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        runUntilIdle();

        assertEquals(TransportException.Kind.REMOTE_FAILURE, failureKind(reply));
    }

    // ------------------------------------------------------------------ partitions

    @Test
    void partitionBlocksBothDirectionsAndHealRestores() {
        LocalTransport a = echoNode("a");
        LocalTransport b = echoNode("b");
        LocalTransport c = echoNode("c");
        network.partition(Set.of("a"), Set.of("b", "c"));

        CompletableFuture<byte[]> ab = send(a, "b", "1");
        CompletableFuture<byte[]> ba = send(b, "a", "2");
        CompletableFuture<byte[]> bc = send(b, "c", "3");
        runUntilIdle();

        assertEquals(TransportException.Kind.TIMEOUT, failureKind(ab));
        assertEquals(TransportException.Kind.TIMEOUT, failureKind(ba));
        assertEquals("re:3", answer(bc), "same side still talks");
        assertTrue(network.isBlocked("a", "c") && network.isBlocked("c", "a"));

        network.heal();
        CompletableFuture<byte[]> ab2 = send(a, "b", "4");
        CompletableFuture<byte[]> ca = send(c, "a", "5");
        runUntilIdle();

        assertEquals("re:4", answer(ab2));
        assertEquals("re:5", answer(ca));
    }

    @Test
    void partitionLosesMessagesAlreadyInFlight() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setLatency(10, 0);

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        scheduler.runFor(5);
        network.partition(Set.of("a"), Set.of("b"));
        runUntilIdle();

        assertTrue(seen.isEmpty());
        assertEquals(TransportException.Kind.TIMEOUT, failureKind(reply));
    }

    @Test
    void isolateCutsOneNodeOffFromEveryone() {
        LocalTransport a = echoNode("a");
        LocalTransport b = echoNode("b");
        echoNode("c");
        network.isolate("a");

        CompletableFuture<byte[]> ab = send(a, "b", "1");
        CompletableFuture<byte[]> bc = send(b, "c", "2");
        CompletableFuture<byte[]> aa = send(a, "a", "self");
        runUntilIdle();

        assertEquals(TransportException.Kind.TIMEOUT, failureKind(ab));
        assertEquals("re:2", answer(bc));
        assertEquals("re:self", answer(aa), "a node still reaches itself");
    }

    @Test
    void nodeCannotBeOnBothSidesOfAPartition() {
        assertThrows(IllegalArgumentException.class, () -> network.partition(Set.of("a", "b"), Set.of("b")));
    }

    // ------------------------------------------------------------------ crash, restart, pause

    @Test
    void crashedNodeRefusesConnectionsAndRestartRestoresIt() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.crash("b");
        assertTrue(network.isCrashed("b"));

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        scheduler.runFor(LocalNetwork.DEFAULT_LATENCY_MILLIS);
        assertEquals(TransportException.Kind.UNREACHABLE, failureKind(reply), "refused, not a timeout");

        network.restart("b");
        CompletableFuture<byte[]> again = send(a, "b", "y");
        runUntilIdle();
        assertEquals("re:y", answer(again));
        assertEquals(List.of("y"), seen.stream().map(Seen::body).toList());
    }

    @Test
    void crashLosesRequestsInFlightAndAnswersBeingComputed() {
        LocalTransport a = echoNode("a");
        List<CompletableFuture<byte[]>> computing = new ArrayList<>();
        LocalTransport b = network.transport("b");
        b.start((from, request) -> {
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            computing.add(f);
            return f;
        });
        network.setLatency(10, 0);

        CompletableFuture<byte[]> beingComputed = send(a, "b", "1");
        scheduler.runFor(10);
        assertEquals(1, computing.size());
        CompletableFuture<byte[]> inFlight = send(a, "b", "2");
        scheduler.runFor(5);
        network.crash("b");
        network.restart("b"); // a quick reboot still loses what was in flight
        computing.get(0).complete(new byte[] {1});
        runUntilIdle();

        assertEquals(1, computing.size(), "the in-flight request never reached the handler");
        assertEquals(TransportException.Kind.TIMEOUT, failureKind(beingComputed));
        assertEquals(TransportException.Kind.TIMEOUT, failureKind(inFlight));
    }

    @Test
    void crashedNodeCannotSendAndItsPendingSendsFail() {
        LocalTransport a = echoNode("a");
        LocalTransport b = network.transport("b");
        b.start((from, request) -> new CompletableFuture<>());

        CompletableFuture<byte[]> pending = send(a, "b", "1");
        scheduler.runFor(1);
        network.crash("a");
        assertEquals(TransportException.Kind.UNREACHABLE, failureKind(pending));
        assertEquals(0, a.pendingSends());

        CompletableFuture<byte[]> fromCrashed = send(a, "b", "2");
        runUntilIdle();
        assertEquals(TransportException.Kind.UNREACHABLE, failureKind(fromCrashed));
        assertEquals(1, network.stats().requestsSent(), "a crashed node sends nothing");
    }

    @Test
    void crashOfUnknownNodeIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> network.crash("zz"));
        assertTrue(e.getMessage().contains("zz"));
    }

    @Test
    void pauseHoldsMessagesUntilItEndsThenDeliversInOrder() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.pause("b", 100);

        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            replies.add(a.send("b", ("m" + i).getBytes(UTF_8), 1_000));
            scheduler.runFor(10);
        }
        assertTrue(seen.isEmpty(), "nothing arrives during the pause");
        scheduler.runFor(50); // t = 100
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), seen.stream().map(Seen::body).toList());
        assertTrue(seen.stream().allMatch(x -> x.time() == 100), seen.toString());
        runUntilIdle();
        for (int i = 0; i < 5; i++) {
            assertEquals("re:m" + i, answer(replies.get(i)));
        }
    }

    @Test
    void pausedNodeSendsNothingUntilThePauseEnds() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.pause("a", 40);

        CompletableFuture<byte[]> reply = a.send("b", "x".getBytes(UTF_8), 1_000);
        runUntilIdle();

        assertEquals(List.of(new Seen(41, "b", "a", "x")), seen);
        assertEquals("re:x", answer(reply));
    }

    @Test
    void pauseLongerThanTheTimeoutTimesOut() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.pause("b", 500);

        CompletableFuture<byte[]> reply = send(a, "b", "x");
        runUntilIdle();

        assertEquals(TransportException.Kind.TIMEOUT, failureKind(reply));
        assertEquals(1, seen.size(), "delivered when the pause ended, too late");
        assertEquals(1, network.stats().lateResponses());
    }

    // ------------------------------------------------------------------ membership, stats, misc

    @Test
    void nodeCanRejoinAfterClosingButNotTwiceAtOnce() {
        LocalTransport a = echoNode("a");
        assertThrows(IllegalStateException.class, () -> network.transport("a"));
        a.close();
        LocalTransport again = echoNode("a");
        LocalTransport b = echoNode("b");

        CompletableFuture<byte[]> reply = send(b, "a", "hi");
        runUntilIdle();

        assertEquals("re:hi", answer(reply));
        assertFalse(again.isClosed());
        assertEquals(Set.of("a", "b"), network.nodes());
    }

    @Test
    void startTwiceOrAfterCloseFails() {
        LocalTransport a = echoNode("a");
        MessageHandler h = (from, r) -> CompletableFuture.completedFuture(r);
        assertThrows(IllegalStateException.class, () -> a.start(h));
        LocalTransport b = network.transport("b");
        b.close();
        assertThrows(IllegalStateException.class, () -> b.start(h));
    }

    @Test
    void statsCountBytesOfRequestsAndResponses() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        NetworkStats before = network.stats();

        send(a, "b", "12345");
        runUntilIdle();

        NetworkStats delta = network.stats().minus(before);
        assertEquals(5 + 8, delta.bytesSent(), "request 5 bytes, answer 're:12345' 8 bytes");
        assertEquals(2, delta.messagesSent());
        assertEquals(2, delta.messagesDelivered());
        assertEquals(0, delta.messagesDropped());
    }

    @Test
    void clearFaultsRemovesRandomFaultsAndPartitions() {
        LocalTransport a = echoNode("a");
        echoNode("b");
        network.setDropProbability(1.0);
        network.setDropProbability("a", "b", 1.0);
        network.setDuplicateProbability(1.0);
        network.partition(Set.of("a"), Set.of("b"));

        network.clearFaults();
        CompletableFuture<byte[]> reply = send(a, "b", "x");
        runUntilIdle();

        assertEquals("re:x", answer(reply));
        assertEquals(1, seen.size());
    }

    @Test
    void invalidSettingsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> network.setDropProbability(1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> network.setLatency(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> network.setDuplicateProbability(Double.NaN));
        LocalTransport a = echoNode("a");
        assertThrows(IllegalArgumentException.class, () -> a.send("a", new byte[0], 0));
    }

    @Test
    void timersOfAnsweredRequestsDoNotAdvanceTheClock() {
        LocalTransport a = echoNode("a");
        echoNode("b");

        CompletableFuture<byte[]> reply = a.send("b", new byte[] {1}, 60_000);
        runUntilIdle();

        assertEquals(2, scheduler.clock().millis(), "idle right after the answer, not at the cancelled timeout");
        assertArrayEquals("re:\u0001".getBytes(UTF_8), reply.join());
    }

    @Test
    void faultsAreThreadSafeUnderARealMultiThreadedScheduler() throws InterruptedException {
        try (SystemScheduler real = new SystemScheduler("local-net-stress", 4)) {
            LocalNetwork net = new LocalNetwork(real, 5);
            net.setLatency(0, 3);
            net.setDropProbability(0.2);
            net.setDuplicateProbability(0.2);
            List<LocalTransport> nodes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                LocalTransport t = net.transport("n" + i);
                t.start((from, request) -> CompletableFuture.completedFuture(request));
                nodes.add(t);
            }
            List<CompletableFuture<byte[]>> replies = new CopyOnWriteArrayList<>();
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                LocalTransport from = nodes.get(i);
                Random r = new Random(i);
                senders.add(new Thread(() -> {
                    for (int k = 0; k < 250; k++) {
                        replies.add(from.send("n" + r.nextInt(4), new byte[] {(byte) k}, 200));
                    }
                }));
            }
            senders.forEach(Thread::start);
            for (Thread t : senders) {
                t.join(10_000);
            }
            assertEquals(1_000, replies.size());
            awaitReal(() -> replies.stream().allMatch(CompletableFuture::isDone));
            for (CompletableFuture<byte[]> f : replies) {
                TransportException.Kind kind = failureKind(f);
                assertTrue(kind == null || kind == TransportException.Kind.TIMEOUT, String.valueOf(kind));
            }
            assertTrue(replies.stream().anyMatch(f -> failureKind(f) == null));
            awaitReal(() -> {
                NetworkStats st = net.stats();
                return st.requestsSent() + st.requestsDuplicated()
                        == st.requestsDelivered() + st.requestsDropped() + st.requestsRefused()
                        && st.responsesSent() == st.responsesDelivered() + st.responsesDropped();
            });
            NetworkStats stats = net.stats();
            assertEquals(1_000, stats.requestsSent());
            assertEquals(stats.requestsDelivered(), stats.responsesSent(), "every delivered request is answered");
        }
    }

    private static void awaitReal(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 10_000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(1);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within about 10 s");
    }
}
