package dev.dynamo.security.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on 127.0.0.1, port 0, that requires a client certificate and answers each
 * connection with one line: "node:<name>", "client:<name>" or "untrusted", from
 * {@link PeerIdentity} of the session. Every accept and read is bounded by a socket timeout; close()
 * stops the thread.
 */
final class LoopbackTlsServer implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;

    private final SSLServerSocket socket;
    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    LoopbackTlsServer(SSLContext context) throws IOException {
        socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setNeedClientAuth(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Accepts one connection in the background; the future holds what the server saw (or its exception). */
    Future<String> acceptOne() {
        return thread.submit(() -> {
            try (SSLSocket connection = (SSLSocket) socket.accept()) {
                connection.setSoTimeout(TIMEOUT_MILLIS);
                connection.startHandshake();
                String answer;
                try {
                    PeerIdentity peer = PeerIdentity.of(connection.getSession());
                    answer = peer.kind().organizationalUnit() + ":" + peer.name();
                } catch (UntrustedPeerException e) {
                    answer = "untrusted";
                }
                OutputStream out = connection.getOutputStream();
                out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return answer;
            }
        });
    }

    /** What a client saw: the server's line and the certificate the server presented. */
    record Answer(String line, X509Certificate serverCertificate) {
    }

    /** Connects with {@code context}, reads the server's line; throws what the handshake threw. */
    String connect(SSLContext context) throws IOException {
        return exchange(context).line();
    }

    /** Connects with {@code context}, reads the server's line and notes its certificate. */
    Answer exchange(SSLContext context) throws IOException {
        try (SSLSocket client = (SSLSocket) context.getSocketFactory().createSocket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), TIMEOUT_MILLIS);
            client.setSoTimeout(TIMEOUT_MILLIS);
            client.startHandshake();
            InputStream in = client.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
            return new Answer(line.toString(), (X509Certificate) client.getSession().getPeerCertificates()[0]);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the server thread did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the server thread", e);
        }
    }
}
