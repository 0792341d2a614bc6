package dev.dynamo.security.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP API's users: loaded from a credentials file, one user per line
 * {@code name:roles:iterations:salt:hash} (see {@link CredentialsWriter} to add users, and
 * {@link Role} for the roles), passwords checked against salted PBKDF2WithHmacSHA256 hashes
 * ({@link PasswordHasher}) with a constant-time comparison. A user that does not exist costs the
 * same PBKDF2 as one that does, so response times do not tell which names exist.
 *
 * <p>Successful checks are remembered in a bounded cache ({@code cacheSize} entries, least
 * recently used out first; the setting {@code http.auth.cache-size} is meant to feed it), so that
 * PBKDF2, deliberately slow, is paid once per client rather than on every request. Failures are
 * never cached. An instance is immutable apart from its cache; to reload the file, load a new
 * instance and swap it in (the old cache goes with it, so a changed password takes effect).
 *
 * <pre>{@code
 * Credentials users = Credentials.load(Path.of("conf/users"), Credentials.DEFAULT_CACHE_SIZE);
 * Optional<Principal> who = users.verify("alice", passwordFromBasicAuth);
 * if (who.isEmpty()) { return 401; }
 * if (!who.get().allows(Action.READ, "orders")) { return 403; }
 * }</pre>
 */
public final class Credentials {
    /** Cached successful checks kept by default. */
    public static final int DEFAULT_CACHE_SIZE = 1024;

    private final Map<String, CredentialsFile.Entry> users;
    private final VerificationCache cache;
    private final AtomicLong hashComputations = new AtomicLong();
    private final byte[] decoySalt = new byte[PasswordHasher.SALT_BYTES];
    private final int decoyIterations;

    private Credentials(Map<String, CredentialsFile.Entry> users, int cacheSize) {
        this.users = Map.copyOf(users);
        this.cache = new VerificationCache(cacheSize);
        new SecureRandom().nextBytes(decoySalt);
        this.decoyIterations = users.values().stream().mapToInt(CredentialsFile.Entry::iterations).max()
                .orElse(PasswordHasher.DEFAULT_ITERATIONS);
    }

    /** {@link #load(Path, int)} with {@link #DEFAULT_CACHE_SIZE}. */
    public static Credentials load(Path file) throws CredentialsException {
        return load(file, DEFAULT_CACHE_SIZE);
    }

    /**
     * Reads and checks the whole file.
     *
     * @param cacheSize successful checks to remember; 0 turns the cache off
     * @throws CredentialsException naming the file and line of the first problem (never its content),
     *                              or the file if it is missing, unreadable or holds no user
     */
    public static Credentials load(Path file, int cacheSize) throws CredentialsException {
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cache size must be 0 or more, got " + cacheSize);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CredentialsException(file, 0, "file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new CredentialsException(file, 0, "file cannot be read (permission denied)", e);
        } catch (IOException e) {
            throw new CredentialsException(file, 0, "file cannot be read as UTF-8 text (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        Map<String, CredentialsFile.Entry> users = CredentialsFile.parse(file, lines);
        if (users.isEmpty()) {
            throw new CredentialsException(file, 0, "holds no user (one per line: " + CredentialsFile.FORMAT + ")");
        }
        return new Credentials(users, cacheSize);
    }

    /**
     * The user with its grants if {@code password} is its password; empty for an unknown user, a
     * wrong password, or a null argument.
     */
    public Optional<Principal> verify(String user, String password) {
        if (user == null || password == null) {
            return Optional.empty();
        }
        Principal cached = cache.get(user, password);
        if (cached != null) {
            return Optional.of(cached);
        }
        CredentialsFile.Entry entry = users.get(user);
        char[] chars = password.toCharArray();
        try {
            hashComputations.incrementAndGet();
            if (entry == null) {
                // same work as a real check, result ignored: unknown names must not answer faster
                PasswordHasher.hash(chars, decoySalt, decoyIterations);
                return Optional.empty();
            }
            byte[] computed = PasswordHasher.hash(chars, entry.salt(), entry.iterations());
            if (!MessageDigest.isEqual(computed, entry.hash())) {
                return Optional.empty();
            }
        } finally {
            PasswordHasher.clear(chars);
        }
        cache.put(user, password, entry.principal());
        return Optional.of(entry.principal());
    }

    /**
     * The user if this user and password passed {@link #verify} recently and are still cached;
     * empty otherwise, without computing PBKDF2. A server calls this on its I/O thread (an HMAC,
     * microseconds) and hands only the misses to threads that may spend the hundreds of
     * milliseconds of {@link #verify}.
     *
     * <pre>{@code
     * Optional<Principal> who = users.cached(user, password);
     * CompletableFuture<Optional<Principal>> checked = who.isPresent()
     *         ? CompletableFuture.completedFuture(who)
     *         : CompletableFuture.supplyAsync(() -> users.verify(user, password), hashingPool);
     * }</pre>
     */
    public Optional<Principal> cached(String user, String password) {
        if (user == null || password == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(cache.get(user, password));
    }

    /** The user names, without their grants or hashes. */
    public Set<String> users() {
        return users.keySet();
    }

    /** How many PBKDF2 computations {@link #verify} has done: cache misses, wrong passwords, unknown users. */
    public long hashComputations() {
        return hashComputations.get();
    }

    /** How many successful checks the cache holds now (at most the cache size). */
    public int cachedVerifications() {
        return cache.size();
    }

    @Override
    public String toString() {
        return "Credentials[" + users.size() + " users]";
    }
}
