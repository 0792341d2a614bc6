package dev.dynamo.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.OverloadedException;
import dev.dynamo.core.limits.LogLimiter;
import dev.dynamo.core.time.Clock;
import dev.dynamo.http.metrics.NodeMetrics;
import dev.dynamo.security.auth.Action;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsWriter;
import dev.dynamo.security.auth.PasswordHasher;
import dev.dynamo.security.auth.Principal;
import dev.dynamo.security.auth.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the password checks run: a check the cache answers completes on the caller's thread (an
 * event loop), every other one waits for the hashing executor, so the caller never computes
 * PBKDF2; a full hashing queue is a 503, not a wait. And each route's action.
 */
class HttpAccessControlTest {
    @TempDir
    Path dir;

    private final NodeMetrics metrics = new NodeMetrics("n1", false);
    private final Queue<Runnable> pending = new ArrayDeque<>();
    private final Executor hashing = task -> {
        if (pending.size() >= 2) {
            throw new RejectedExecutionException("full");
        }
        pending.add(task);
    };
    private HttpAccessControl access;
    private Credentials users;

    @BeforeEach
    void users() throws Exception {
        Path file = dir.resolve("users");
        CredentialsWriter.putUser(file, "alice", Set.of(Role.read("orders")), "pw".toCharArray(),
                PasswordHasher.MIN_ITERATIONS);
        users = Credentials.load(file);
        access = new HttpAccessControl("n1", () -> users, hashing, 2, metrics, new LogLimiter(Clock.system(), 1000));
    }

    @AfterEach
    void close() {
        metrics.close();
    }

    private static String header(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyTheHashingExecutorComputesPbkdf2AndTheCacheAnswersAtOnce() {
        CompletableFuture<Principal> first = access.authenticate(header("alice", "pw"), "client");
        assertFalse(first.isDone(), "an uncached check waits for the hashing executor");
        assertEquals(0, users.hashComputations(), "the caller's thread computed nothing");
        pending.poll().run();
        assertEquals("alice", first.join().name());
        assertEquals(1, users.hashComputations());

        CompletableFuture<Principal> again = access.authenticate(header("alice", "pw"), "client");
        assertTrue(again.isDone(), "a cached check is answered on the caller's thread");
        assertEquals("alice", again.join().name());
        assertTrue(pending.isEmpty());
        assertEquals(1, users.hashComputations());
    }

    @Test
    void aWrongPasswordFailsUnauthenticatedAfterTheCheck() {
        CompletableFuture<Principal> wrong = access.authenticate(header("alice", "nope"), "client");
        assertFalse(wrong.isDone());
        pending.poll().run();
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, wrong::join);
        HttpError error = assertInstanceOf(HttpError.class, e.getCause());
        assertEquals(ErrorCode.UNAUTHENTICATED, error.errorCode());
        assertEquals(HttpAccessControl.CHALLENGE, error.headers().get("WWW-Authenticate"));
        assertFalse(error.getMessage().contains("nope"));
    }

    @Test
    void aFullHashingQueueIsOverloadedNotAWait() {
        access.authenticate(header("alice", "guess1"), "client");
        access.authenticate(header("alice", "guess2"), "client");
        CompletableFuture<Principal> third = access.authenticate(header("alice", "guess3"), "client");
        assertTrue(third.isCompletedExceptionally());
        OverloadedException e = assertInstanceOf(OverloadedException.class,
                org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, third::join).getCause());
        assertEquals(HttpAccessControl.PENDING_LIMIT, e.limit());
        assertTrue(metrics.scrape().contains("dynamo_limit_refusals_total{limit=\"http.auth.pending-checks\""));
    }

    @Test
    void basicHeadersParseOrAreRefused() {
        assertArrayEquals(new String[] {"alice", "p:w"}, HttpAccessControl.basic(header("alice", "p:w")));
        assertArrayEquals(new String[] {"alice", ""}, HttpAccessControl.basic(header("alice", "")));
        assertArrayEquals(new String[] {"alice", "pw"}, HttpAccessControl.basic("basic  "
                + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8))));
        assertArrayEquals(new String[] {"ålice", "pässword"}, HttpAccessControl.basic(header("ålice", "pässword")));
        assertNull(HttpAccessControl.basic("Bearer abc"));
        assertNull(HttpAccessControl.basic("Basic"));
        assertNull(HttpAccessControl.basic("Basic %%%"));
        assertNull(HttpAccessControl.basic("Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff,
                ':', 'x'})));
        assertNull(HttpAccessControl.basic("Basic " + Base64.getEncoder().encodeToString("alice".getBytes(
                StandardCharsets.UTF_8))));
    }

    @Test
    void everyRouteMapsToItsAction() {
        assertEquals(Action.READ, HttpAccessControl.action(RequestTarget.Route.KEY, "GET"));
        assertEquals(Action.WRITE, HttpAccessControl.action(RequestTarget.Route.KEY, "PUT"));
        assertEquals(Action.WRITE, HttpAccessControl.action(RequestTarget.Route.KEY, "DELETE"));
        assertEquals(Action.ADMIN, HttpAccessControl.action(RequestTarget.Route.CLUSTER, "GET"));
        assertEquals(Action.ADMIN, HttpAccessControl.action(RequestTarget.Route.METRICS, "GET"));
        assertEquals(Action.ADMIN, HttpAccessControl.action(RequestTarget.Route.REPAIR, "GET"));
        assertEquals(Action.ADMIN, HttpAccessControl.action(RequestTarget.Route.REPAIR, "POST"));
        assertEquals(Action.ADMIN, HttpAccessControl.action(RequestTarget.Route.MEMBERSHIP, "GET"));
        assertEquals(Action.ADMIN, HttpAccessControl.action(RequestTarget.Route.MEMBERSHIP_ACTION, "POST"));
        assertNull(HttpAccessControl.action(RequestTarget.Route.HEALTH, "GET"));
        assertNull(HttpAccessControl.action(RequestTarget.Route.TABLES, "GET"));
        assertNull(HttpAccessControl.action(RequestTarget.Route.NONE, "GET"));
        assertNull(HttpAccessControl.action(RequestTarget.Route.KEY, "POST"), "405 comes from the API");
        assertNull(HttpAccessControl.action(RequestTarget.Route.CLUSTER, "DELETE"), "405 comes from the API");
    }
}
