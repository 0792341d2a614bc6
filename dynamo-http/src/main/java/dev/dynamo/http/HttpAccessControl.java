package dev.dynamo.http;

import dev.dynamo.api.ErrorCode;
import dev.dynamo.api.OverloadedException;
import dev.dynamo.core.limits.LogLimiter;
import dev.dynamo.http.metrics.NodeMetrics;
import dev.dynamo.security.auth.Action;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.Principal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what on the HTTP API: HTTP Basic authentication against {@link Credentials}, and
 * each route's {@link Action} checked against the user's roles (docs/security.md, "HTTP routes
 * and roles").
 *
 * <p>PBKDF2 takes hundreds of milliseconds on purpose, so it never runs on the caller's thread
 * (an event loop, which serves many connections): a check the {@link Credentials} cache already
 * confirmed is answered at once, every other one goes to {@code hashing}, a small pool of its
 * own with a bounded queue, so that clients guessing passwords hold up other guesses rather
 * than the data requests of clients already known. When that queue is full the request is
 * answered 503 {@code overloaded} naming {@value #PENDING_LIMIT}.
 *
 * <p>Each failure counts in {@code dynamo_http_auth_failures_total{reason}} (reasons
 * {@code missing}, {@code malformed}, {@code invalid}, {@code forbidden}) and is logged at a
 * bounded rate with the client's address; never with what the client sent as user name, which
 * may be a password typed in the wrong field.
 *
 * <pre>{@code
 * HttpAccessControl access = new HttpAccessControl("n1", () -> users, hashingPool, 64, metrics, logLimiter);
 * access.authenticate(authorizationHeader, remoteAddress)
 *         .thenApply(user -> { access.authorize(user, method, target, remoteAddress); return serve(); });
 * }</pre>
 */
final class HttpAccessControl {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAccessControl.class);

    /** The limit a full password-check queue names in its 503 (fixed, see docs/limits.md). */
    static final String PENDING_LIMIT = "http.auth.pending-checks";
    /** The challenge every 401 carries (RFC 7617; the credentials are UTF-8). */
    static final String CHALLENGE = "Basic realm=\"dynamo\", charset=\"UTF-8\"";
    static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    /** The {@code reason} tags of {@code dynamo_http_auth_failures_total}. */
    static final String MISSING = "missing";
    static final String MALFORMED = "malformed";
    static final String INVALID = "invalid";
    static final String FORBIDDEN = "forbidden";

    private static final String BASIC = "basic ";

    private final String nodeId;
    private final Supplier<Credentials> credentials;
    private final Executor hashing;
    private final int maxPending;
    private final NodeMetrics metrics;
    private final LogLimiter logLimiter;

    /**
     * @param hashing    runs {@link Credentials#verify}; its queue holds at most {@code maxPending}
     *                   and it throws {@link RejectedExecutionException} past that
     * @param maxPending the size of that queue, named in the 503
     */
    HttpAccessControl(String nodeId, Supplier<Credentials> credentials, Executor hashing, int maxPending,
                      NodeMetrics metrics, LogLimiter logLimiter) {
        this.nodeId = nodeId;
        this.credentials = credentials;
        this.hashing = hashing;
        this.maxPending = maxPending;
        this.metrics = metrics;
        this.logLimiter = logLimiter;
    }

    /**
     * The user the {@code Authorization} header names, if its password is right; fails with an
     * {@link ErrorCode#UNAUTHENTICATED} {@link HttpError} (carrying {@code WWW-Authenticate})
     * otherwise, or with an {@link OverloadedException} when too many checks wait.
     *
     * @param authorization the header, null when absent
     * @param remote        the client's address, for the log
     */
    CompletableFuture<Principal> authenticate(String authorization, String remote) {
        if (authorization == null || authorization.isBlank()) {
            return CompletableFuture.failedFuture(refuse(MISSING, remote, "this node asks for a user and password:"
                    + " send HTTP Basic authentication (Authorization: Basic base64(user:password))"));
        }
        String[] userAndPassword = basic(authorization);
        if (userAndPassword == null) {
            return CompletableFuture.failedFuture(refuse(MALFORMED, remote, "the Authorization header is not HTTP"
                    + " Basic authentication: expected 'Basic ' and the Base64 of user:password in UTF-8"));
        }
        String user = userAndPassword[0];
        String password = userAndPassword[1];
        Credentials users = credentials.get();
        Optional<Principal> known = users.cached(user, password);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known.get());
        }
        CompletableFuture<Optional<Principal>> checked;
        try {
            checked = CompletableFuture.supplyAsync(() -> users.verify(user, password), hashing);
        } catch (RejectedExecutionException e) {
            metrics.refused(PENDING_LIMIT);
            logLimiter.warn(LOG, "auth-pending", "node {}: refused an HTTP password check from {}: {} checks are"
                    + " waiting already ({})", nodeId, remote, maxPending, PENDING_LIMIT);
            return CompletableFuture.failedFuture(OverloadedException.of(nodeId, PENDING_LIMIT, maxPending,
                    maxPending));
        }
        return checked.thenApply(found -> found.orElseThrow(() -> refuse(INVALID, remote,
                "unknown user or wrong password")));
    }

    /**
     * Returns when {@code user} may send {@code method} to {@code target}; throws an
     * {@link ErrorCode#FORBIDDEN} {@link HttpError} otherwise. A path that names no route, or a
     * method the route does not take, passes: the API answers it 404 or 405.
     */
    void authorize(Principal user, String method, RequestTarget target, String remote) {
        Action action = action(target.route(), method);
        if (action == null) {
            return;
        }
        String table = action == Action.ADMIN ? null : target.table();
        if (user.allows(action, table)) {
            return;
        }
        metrics.authFailure(FORBIDDEN);
        logLimiter.warn(LOG, "auth-forbidden", "node {}: HTTP user '{}' from {} lacks the role for {} on route '{}'",
                nodeId, user.name(), remote, action.name().toLowerCase(Locale.ROOT), target.route().tag());
        String needs = switch (action) {
            case ADMIN -> "needs role admin";
            case READ -> "needs role read:" + shorten(table) + ", write:" + shorten(table) + ", read:* or write:*";
            case WRITE -> "needs role write:" + shorten(table) + " or write:*";
        };
        String what = action == Action.ADMIN ? method + " " + target.route().tag()
                : (action == Action.READ ? "read" : "write") + " table '" + shorten(table) + "'";
        throw new HttpError(ErrorCode.FORBIDDEN, "user '" + user.name() + "' may not " + what + " (" + needs + ")");
    }

    /**
     * The action a request needs; null for {@code /health} (open), for {@code /tables} (any
     * user: the list shows the tables the user may read), and for requests the API refuses
     * anyway (no route, wrong method).
     */
    static Action action(RequestTarget.Route route, String method) {
        return switch (route) {
            case KEY -> switch (method) {
                case "GET" -> Action.READ;
                case "PUT", "DELETE" -> Action.WRITE;
                default -> null;
            };
            case CLUSTER, METRICS, MEMBERSHIP -> "GET".equals(method) ? Action.ADMIN : null;
            case REPAIR -> "GET".equals(method) || "POST".equals(method) ? Action.ADMIN : null;
            case MEMBERSHIP_ACTION, BACKUP -> "POST".equals(method) ? Action.ADMIN : null;
            case HEALTH, TABLES, NONE -> null;
        };
    }

    /** user and password of a Basic header; null when the header is not one. */
    static String[] basic(String header) {
        String h = header.strip();
        if (h.length() <= BASIC.length() || !h.substring(0, BASIC.length()).toLowerCase(Locale.ROOT).equals(BASIC)) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(h.substring(BASIC.length()).strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new String[] {text.substring(0, colon), text.substring(colon + 1)};
    }

    private HttpError refuse(String reason, String remote, String message) {
        metrics.authFailure(reason);
        logLimiter.warn(LOG, "auth-" + reason, "node {}: HTTP request from {} not authenticated ({})", nodeId, remote,
                reason);
        return new HttpError(ErrorCode.UNAUTHENTICATED, message, Map.of(WWW_AUTHENTICATE, CHALLENGE));
    }

    /** Table names come from the path: keep messages short. */
    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
