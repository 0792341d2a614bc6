package dev.dynamo.security.tls;

import dev.dynamo.security.io.FileFingerprint;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's TLS material current while the files rotate underneath, without a restart.
 * Each poll fingerprints the three files ({@link FileFingerprint}: content, not times); when they
 * changed it loads them again and, if they pass every check of {@link TlsMaterial#load}, makes
 * them current. If they fail (a half-finished rotation, a key that does not match yet, an expired
 * certificate, a certificate naming another node or kind than the one in use) the old material stays in use and one WARN names the file and the problem; the
 * next change of the files is tried again.
 *
 * <p>The {@link #keyManager()} and {@link #trustManager()} read the current material on every
 * handshake, so an {@code SSLContext} or Netty {@code SslContext} built once from them serves the
 * new certificate to new connections after a reload; established connections keep theirs.
 *
 * <pre>{@code
 * TlsReloader tls = new TlsReloader(files, Clock.systemUTC());      // loads now, fails fast
 * tls.identity().requireNode(nodeId);
 * SslContext server = SslContextBuilder.forServer(tls.keyManager())
 *         .trustManager(tls.trustManager()).clientAuth(ClientAuth.REQUIRE).build();
 * tls.start(scheduler, Duration.ofSeconds(30));                      // poll; close() stops polling
 * }</pre>
 */
public final class TlsReloader implements AutoCloseable {
    /** What one poll did. */
    public enum Outcome {
        /** The files are as they were. */
        UNCHANGED,
        /** The files changed and the new material is now in use. */
        RELOADED,
        /** The files changed but cannot be used; the previous material stays in use. */
        REJECTED
    }

    private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);

    private final TlsFiles files;
    private final Clock clock;
    private final Object lock = new Object();
    private final KeyManager keyManager = new KeyManager();
    private final TrustManager trustManager = new TrustManager();
    private FileFingerprint seen;
    private volatile TlsMaterial current;
    // the material before the last reload, so a handshake that chose its alias just before a reload still finds its key
    private volatile TlsMaterial previous;
    private ScheduledFuture<?> polling;

    /**
     * Loads the material now.
     *
     * @throws TlsMaterialException if the files cannot be used: a node must not start without them
     */
    public TlsReloader(TlsFiles files, Clock clock) throws TlsMaterialException {
        this.files = Objects.requireNonNull(files, "files");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seen = FileFingerprint.of(files.all());
        this.current = TlsMaterial.load(files, clock);
        this.previous = current;
    }

    /** The material in use. */
    public TlsMaterial current() {
        return current;
    }

    /** Who our own current certificate says we are. */
    public PeerIdentity identity() {
        return current.identity();
    }

    /**
     * Polls {@link #reloadIfChanged()} every {@code interval} on {@code scheduler} (which the caller
     * owns and shuts down) until {@link #close()}.
     */
    public TlsReloader start(ScheduledExecutorService scheduler, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("reload interval must be positive, got " + interval);
        }
        synchronized (lock) {
            if (polling != null) {
                throw new IllegalStateException("already polling " + files.all());
            }
            long millis = interval.toMillis();
            polling = scheduler.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Checks the files once and reloads them if they changed. */
    public Outcome reloadIfChanged() {
        synchronized (lock) {
            FileFingerprint now = FileFingerprint.of(files.all());
            if (!now.changedSince(seen)) {
                return Outcome.UNCHANGED;
            }
            seen = now;
            TlsMaterial loaded;
            try {
                loaded = TlsMaterial.load(files, clock);
            } catch (TlsMaterialException e) {
                LOG.warn("TLS files changed but cannot be used, keeping the certificate of {} (id {}): {}",
                        current.identity().name(), current.id(), e.getMessage());
                return Outcome.REJECTED;
            }
            if (!loaded.identity().equals(current.identity())) {
                // a rotation renews a certificate; it never turns this node into another one
                LOG.warn("TLS files changed but the new certificate names {}, not {}; keeping the certificate in use (id {})",
                        loaded.identity(), current.identity(), current.id());
                return Outcome.REJECTED;
            }
            previous = current;
            current = loaded;
            LOG.info("TLS material reloaded: {} (id {}), expires {}", loaded.identity().name(), loaded.id(),
                    loaded.notAfter());
            return Outcome.RELOADED;
        }
    }

    /** A key manager that presents the current certificate at each handshake. */
    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    /** A trust manager that checks peers against the current CA file at each handshake. */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** Stops polling (the scheduler itself belongs to the caller). */
    @Override
    public void close() {
        synchronized (lock) {
            if (polling != null) {
                polling.cancel(false);
                polling = null;
            }
        }
    }

    private void poll() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again; log and keep polling
            LOG.warn("TLS reload check of {} failed", files.all(), e);
        }
    }

    /** The material an alias handed out by {@link KeyManager} belongs to, or null if it is older than the last reload. */
    private TlsMaterial owner(String alias) {
        if (alias == null) {
            return null;
        }
        TlsMaterial now = current;
        if (alias.startsWith(now.id() + "/")) {
            return now;
        }
        TlsMaterial before = previous;
        return alias.startsWith(before.id() + "/") ? before : null;
    }

    private static String inner(String alias) {
        return alias.substring(alias.indexOf('/') + 1);
    }

    private static String tag(TlsMaterial material, String alias) {
        return alias == null ? null : material.id() + "/" + alias;
    }

    private static String[] tag(TlsMaterial material, String[] aliases) {
        if (aliases == null) {
            return null;
        }
        String[] tagged = new String[aliases.length];
        for (int i = 0; i < aliases.length; i++) {
            tagged[i] = tag(material, aliases[i]);
        }
        return tagged;
    }

    /**
     * Delegates to the current material's PKIX key manager and tags each alias with the material's
     * id, so that the chain and key fetched for an alias come from the material that chose it even
     * if a reload happens in between.
     */
    private final class KeyManager extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            TlsMaterial m = current;
            return tag(m, m.keyManager().getClientAliases(keyType, issuers));
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            TlsMaterial m = current;
            return tag(m, m.keyManager().chooseClientAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            TlsMaterial m = current;
            return tag(m, m.keyManager().chooseEngineClientAlias(keyType, issuers, engine));
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            TlsMaterial m = current;
            return tag(m, m.keyManager().getServerAliases(keyType, issuers));
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            TlsMaterial m = current;
            return tag(m, m.keyManager().chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            TlsMaterial m = current;
            return tag(m, m.keyManager().chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            TlsMaterial m = owner(alias);
            return m == null ? null : m.keyManager().getCertificateChain(inner(alias));
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            TlsMaterial m = owner(alias);
            return m == null ? null : m.keyManager().getPrivateKey(inner(alias));
        }
    }

    /** Delegates every check to the current material's PKIX trust manager. */
    private final class TrustManager extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            current.trustManager().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            current.trustManager().checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            current.trustManager().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            current.trustManager().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            current.trustManager().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            current.trustManager().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return current.trustManager().getAcceptedIssuers();
        }
    }
}
