package dev.dynamo.transport.netty;

import dev.dynamo.security.tls.PeerIdentity;
import dev.dynamo.security.tls.TlsFiles;
import dev.dynamo.security.tls.TlsMaterial;
import dev.dynamo.security.tls.TlsMaterialException;
import dev.dynamo.security.tls.TlsReloader;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Mutual TLS 1.3 of the binary protocol: the Netty contexts of a {@link BinaryServer} and a
 * {@link BinaryClient}, built once from a {@link TlsReloader}'s key and trust managers, which
 * read the current files at each handshake; so a certificate rotated on disk serves new
 * connections once the reloader has taken it. The server requires a client certificate; the
 * client checks the server certificate's subject alternative names against the host it dialed.
 * Both trust the cluster CA of {@code tls.ca} only, on the JDK's TLS provider.
 *
 * <p>What the binary protocol refuses because of TLS is counted under the names below (the
 * {@code limit} label of {@code dynamo_limit_refusals_total}) and logged rate-limited under the
 * same names (docs/security.md, "Refusals").
 *
 * <pre>{@code
 * TransportTls tls = TransportTls.load(new TlsFiles(conf.resolve("n1.pem"), conf.resolve("n1-key.pem"),
 *         conf.resolve("ca.pem")));
 * BinaryServer server = BinaryServer.start("10.0.0.1", 7001, handler, config, loops, tls);
 * BinaryClient client = BinaryClient.create(config, "n1", loops, tls);
 * tls.reloader().reloadIfChanged();       // NettyTransport polls this on its scheduler
 * }</pre>
 */
public final class TransportTls {
    /** A TLS handshake failed: another CA, no client certificate, a plaintext peer, a timeout. */
    public static final String HANDSHAKE = "tls.handshake";
    /** A certificate of the cluster CA whose subject names no node or client (one CN, OU node or client). */
    public static final String CERTIFICATE = "tls.certificate";
    /** A connection holding a client certificate sent a node-to-node message; answered {@code forbidden}. */
    public static final String CLIENT_OPERATION = "tls.client-operation";
    /** A hello naming another node than the connection's certificate, or a hello on a client certificate. */
    public static final String HELLO = "tls.hello";
    /** A node dialed another node and the server's certificate named someone else (or was no node's). */
    public static final String SERVER_IDENTITY = "tls.server-identity";

    private final TlsReloader reloader;
    private final SslContext server;
    private final SslContext client;

    /**
     * Contexts over {@code reloader}'s managers.
     *
     * @throws IllegalStateException when Netty cannot build a context (no TLS 1.3 in this JDK)
     */
    public TransportTls(TlsReloader reloader) {
        this.reloader = Objects.requireNonNull(reloader, "reloader");
        try {
            this.server = SslContextBuilder.forServer(reloader.keyManager())
                    .trustManager(reloader.trustManager())
                    .clientAuth(ClientAuth.REQUIRE)
                    .sslProvider(SslProvider.JDK)
                    .protocols(TlsMaterial.PROTOCOL)
                    .build();
            this.client = SslContextBuilder.forClient()
                    .keyManager(reloader.keyManager())
                    .trustManager(reloader.trustManager())
                    .sslProvider(SslProvider.JDK)
                    .protocols(TlsMaterial.PROTOCOL)
                    // Netty 4.2's default, stated: a node's certificate must list the address it is dialed by
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("binary protocol: cannot set up " + TlsMaterial.PROTOCOL + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Loads and checks {@code files} now (see {@link TlsMaterial#load}).
     *
     * @throws IllegalArgumentException naming the setting and the file when they cannot be used
     */
    public static TransportTls load(TlsFiles files) {
        try {
            return new TransportTls(new TlsReloader(files, Clock.systemUTC()));
        } catch (TlsMaterialException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Whom our own current certificate names. */
    public PeerIdentity identity() {
        return reloader.identity();
    }

    /** The material's keeper: {@link TlsReloader#reloadIfChanged()} takes rotated files. */
    public TlsReloader reloader() {
        return reloader;
    }

    SslContext serverContext() {
        return server;
    }

    SslContext clientContext() {
        return client;
    }

    @Override
    public String toString() {
        return "TransportTls[" + reloader.identity() + "]";
    }
}
