package dev.dynamo.server;

import dev.dynamo.core.time.Periodic;
import dev.dynamo.core.time.Scheduler;
import dev.dynamo.security.auth.Credentials;
import dev.dynamo.security.auth.CredentialsException;
import dev.dynamo.security.io.FileFingerprint;
import dev.dynamo.server.config.HttpAuthSettings;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's users, kept current while the credentials file ({@code http.auth.file}) is
 * edited: every {@code http.auth.reload-interval-ms} the file's content is fingerprinted and, when
 * it changed and parses, the new users take over (with a new cache, so a changed password takes
 * effect and the old one stops working). A file that no longer parses leaves the old users in
 * use, with one WARN naming the file and line (never the line's content).
 *
 * <pre>{@code
 * HttpUsers users = HttpUsers.load(config.httpAuth());          // fails fast on a bad file
 * users.start(scheduler);                                        // close() stops the checks
 * HttpSecurity security = HttpSecurity.NONE.withCredentials(users);
 * }</pre>
 */
final class HttpUsers implements Supplier<Credentials>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUsers.class);

    private final HttpAuthSettings settings;
    private final Object lock = new Object();
    private volatile Credentials current;
    private FileFingerprint seen;
    private Periodic polling;

    private HttpUsers(HttpAuthSettings settings, Credentials current, FileFingerprint seen) {
        this.settings = settings;
        this.current = current;
        this.seen = seen;
    }

    /**
     * Reads the file now.
     *
     * @throws CredentialsException naming the file and the line at fault
     */
    static HttpUsers load(HttpAuthSettings settings) throws CredentialsException {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("http.auth.file is not set");
        }
        FileFingerprint seen = FileFingerprint.of(List.of(settings.file()));
        return new HttpUsers(settings, Credentials.load(settings.file(), settings.cacheSize()), seen);
    }

    /** The users in force. */
    @Override
    public Credentials get() {
        return current;
    }

    /** Checks the file every {@code http.auth.reload-interval-ms} (not at all when it is 0) until {@link #close()}. */
    HttpUsers start(Scheduler on) {
        if (settings.reloadIntervalMillis() > 0) {
            synchronized (lock) {
                polling = Periodic.start(on, settings.reloadIntervalMillis(), "checking " + settings.file()
                        + " for new users", this::reloadIfChanged);
            }
        }
        return this;
    }

    /** Reads the file again if its content changed; returns whether new users are in force. */
    boolean reloadIfChanged() {
        synchronized (lock) {
            FileFingerprint now = FileFingerprint.of(List.of(settings.file()));
            if (!now.changedSince(seen)) {
                return false;
            }
            seen = now;
            try {
                Credentials loaded = Credentials.load(settings.file(), settings.cacheSize());
                current = loaded;
                LOG.info("HTTP users reloaded from {}: {} user(s)", settings.file(), loaded.users().size());
                return true;
            } catch (CredentialsException e) {
                LOG.warn("{} changed but cannot be used, keeping the {} user(s) loaded before: {}", settings.file(),
                        current.users().size(), e.getMessage());
                return false;
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (polling != null) {
                polling.close();
            }
        }
    }
}
