package dev.dynamo.http;

import dev.dynamo.security.auth.Credentials;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.X509KeyManager;

/**
 * TLS and password authentication of the HTTP API (docs/security.md, "HTTP users and roles").
 * {@link #NONE} serves plain HTTP to anyone, as before; each {@code with...} turns one part on.
 *
 * <ul>
 *   <li><b>TLS</b>: the server answers HTTPS only (TLS 1.3), presenting what {@code tlsKeys}
 *       chooses at each handshake. A {@code TlsReloader.keyManager()} reads the current files at
 *       each handshake, so a rotated certificate serves new connections without a restart.
 *       Clients present no certificate on HTTP.</li>
 *   <li><b>Authentication</b>: every route but {@code /health} asks for HTTP Basic credentials
 *       of a user of {@code credentials}, which is asked again on every request, so that a
 *       reloaded file takes effect at once. Each route needs a role (docs/security.md, "HTTP
 *       routes and roles").</li>
 *   <li><b>Plaintext</b>: Basic authentication sends the password with every request, so the
 *       server refuses to start with authentication and without TLS unless
 *       {@code allowPlaintext} is set (loopback tests, a node behind a TLS proxy on the same
 *       host).</li>
 * </ul>
 *
 * <pre>{@code
 * TlsReloader tls = new TlsReloader(files, Clock.systemUTC());
 * Credentials users = Credentials.load(Path.of("conf/users"), 1024);
 * HttpSecurity security = HttpSecurity.NONE.withTls(tls.keyManager()).withCredentials(() -> users);
 * HttpApiServer.start(node, host, port, metrics, HttpApiServer.Options.DEFAULT, security);
 * }</pre>
 *
 * @param tlsKeys        the server's certificate and key, chosen per handshake; null for plain HTTP
 * @param credentials    the users, read per request; null for no authentication
 * @param allowPlaintext whether authentication may run without TLS ({@code http.auth.allow-plaintext})
 */
public record HttpSecurity(X509KeyManager tlsKeys, Supplier<Credentials> credentials, boolean allowPlaintext) {
    /** The setting that lets authentication run over plain HTTP; named by the refusal to start. */
    public static final String ALLOW_PLAINTEXT_SETTING = "http.auth.allow-plaintext";

    /** Plain HTTP, no authentication. */
    public static final HttpSecurity NONE = new HttpSecurity(null, null, false);

    /** This with HTTPS from {@code keys}. */
    public HttpSecurity withTls(X509KeyManager keys) {
        return new HttpSecurity(Objects.requireNonNull(keys, "keys"), credentials, allowPlaintext);
    }

    /** This with authentication against whatever {@code users} returns at each request. */
    public HttpSecurity withCredentials(Supplier<Credentials> users) {
        return new HttpSecurity(tlsKeys, Objects.requireNonNull(users, "users"), allowPlaintext);
    }

    /** This with authentication against {@code users}. */
    public HttpSecurity withCredentials(Credentials users) {
        Objects.requireNonNull(users, "users");
        return withCredentials(() -> users);
    }

    /** This with authentication allowed (or not) over plain HTTP. */
    public HttpSecurity withPlaintextAllowed(boolean allowed) {
        return new HttpSecurity(tlsKeys, credentials, allowed);
    }

    /** Whether the server speaks HTTPS. */
    public boolean tls() {
        return tlsKeys != null;
    }

    /** Whether requests need credentials. */
    public boolean authenticates() {
        return credentials != null;
    }

    /**
     * Fails when authentication would send passwords in clear: with credentials, without TLS and
     * without {@code allowPlaintext}. {@link HttpApiServer} checks this before it listens; a
     * caller may check it earlier, before it opens anything else.
     *
     * @throws IllegalArgumentException naming {@value #ALLOW_PLAINTEXT_SETTING}
     */
    public void requireSafeTransport() {
        if (authenticates() && !tls() && !allowPlaintext) {
            throw new IllegalArgumentException("HTTP authentication is on but the HTTP API speaks plain HTTP, so"
                    + " every request would carry a password in clear: turn on TLS for the HTTP API, or set "
                    + ALLOW_PLAINTEXT_SETTING + " = true if clients reach it only over loopback or through a TLS"
                    + " proxy on the same host");
        }
    }
}
