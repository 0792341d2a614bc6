package dev.dynamo.security.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files and managers of this module as Netty's SslContextBuilder takes them (the way the
 * transport and HTTP server will), with two in-memory channels handing each other their bytes.
 */
class NettyCompatibilityTest {
    private final Clock clock = Clock.systemUTC();
    private final CertificateAuthority ca = CertificateAuthority.create("cluster CA", Duration.ofDays(30), clock);

    @TempDir
    Path dir;

    @Test
    void nettyReadsThePemFilesAndAuthenticatesBothSides() throws Exception {
        TlsFiles n1 = write("n1", true);
        TlsFiles app = write("app", false);
        SslContext server = SslContextBuilder.forServer(n1.certificate().toFile(), n1.privateKey().toFile())
                .trustManager(n1.ca().toFile()).clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).build();
        SslContext client = SslContextBuilder.forClient().keyManager(app.certificate().toFile(), app.privateKey().toFile())
                .trustManager(app.ca().toFile()).sslProvider(SslProvider.JDK).build();

        Handshake handshake = handshake(server, client);
        assertTrue(handshake.succeeded(), "handshake failed: " + handshake.serverCause());
        assertEquals(new PeerIdentity("app", PeerKind.CLIENT), PeerIdentity.of(handshake.serverHandler().engine().getSession()));
        assertEquals(new PeerIdentity("n1", PeerKind.NODE), PeerIdentity.of(handshake.clientHandler().engine().getSession()));
    }

    @Test
    void nettyContextsBuiltOnceFromTheReloaderServeTheRotatedCertificate() throws Exception {
        TlsFiles n1 = write("n1", true);
        TlsFiles n2 = write("n2", true);
        TlsReloader reloader = new TlsReloader(n1, clock);
        SslContext server = SslContextBuilder.forServer(reloader.keyManager()).trustManager(reloader.trustManager())
                .clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).build();
        TlsMaterial peer = TlsMaterial.load(n2, clock);

        Handshake first = handshake(server, clientOf(peer));
        assertTrue(first.succeeded(), "handshake failed: " + first.serverCause());
        assertEquals(reloader.current().certificate(), first.clientHandler().engine().getSession().getPeerCertificates()[0]);

        IssuedCertificate renewed = ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(2));
        renewed.writeTo(n1.certificate(), n1.privateKey());
        assertEquals(TlsReloader.Outcome.RELOADED, reloader.reloadIfChanged());
        // a new client context: one that had met n1 before would resume its session, and with it the old certificate
        Handshake second = handshake(server, clientOf(peer));
        assertTrue(second.succeeded(), "handshake failed: " + second.serverCause());
        assertEquals(renewed.certificate(), second.clientHandler().engine().getSession().getPeerCertificates()[0]);
    }

    @Test
    void nettyRefusesAClientOfAnotherCa() throws Exception {
        TlsFiles n1 = write("n1", true);
        CertificateAuthority otherCa = CertificateAuthority.create("other CA", Duration.ofDays(30), clock);
        IssuedCertificate intruder = otherCa.issueNode("n2", List.of(), Duration.ofDays(1));
        SslContext server = SslContextBuilder.forServer(n1.certificate().toFile(), n1.privateKey().toFile())
                .trustManager(n1.ca().toFile()).clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).build();
        SslContext client = SslContextBuilder.forClient().keyManager(new PresentingKeyManager(intruder))
                .trustManager(ca.certificate()).sslProvider(SslProvider.JDK).build();
        Handshake handshake = handshake(server, client);
        assertFalse(handshake.serverHandler().handshakeFuture().isSuccess(), "the server accepted another CA's client");
        assertTrue(String.valueOf(handshake.serverHandler().handshakeFuture().cause()).contains("certification path"),
                "refused by the trust manager, not for want of a certificate: " + handshake.serverCause());
    }

    @Test
    void aNettyClientRefusesANodeDialedByAnAddressItsCertificateDoesNotList() throws Exception {
        TlsFiles n1 = write("n1", true);
        TlsFiles n2 = write("n2", true);
        SslContext server = SslContextBuilder.forServer(n1.certificate().toFile(), n1.privateKey().toFile())
                .trustManager(n1.ca().toFile()).clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).build();
        SslContext client = SslContextBuilder.forClient().keyManager(n2.certificate().toFile(), n2.privateKey().toFile())
                .trustManager(n2.ca().toFile()).sslProvider(SslProvider.JDK).build();
        Handshake handshake = handshake(server, client, "10.9.9.9");
        assertFalse(handshake.clientHandler().handshakeFuture().isSuccess());
        assertTrue(String.valueOf(handshake.clientHandler().handshakeFuture().cause().getMessage())
                .contains("10.9.9.9"), handshake.serverCause());
    }

    private static SslContext clientOf(TlsMaterial material) throws Exception {
        return SslContextBuilder.forClient().keyManager(material.keyManagerFactory())
                .trustManager(material.trustManagerFactory()).sslProvider(SslProvider.JDK).build();
    }

    private TlsFiles write(String name, boolean node) throws Exception {
        IssuedCertificate cert = node ? ca.issueNode(name, List.of("127.0.0.1"), Duration.ofDays(1))
                : ca.issueClient(name, Duration.ofDays(1));
        TlsFiles files = new TlsFiles(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"), dir.resolve("ca.pem"));
        cert.writeTo(files.certificate(), files.privateKey());
        Pem.writeCertificates(files.ca(), List.of(ca.certificate()));
        return files;
    }

    /** Both channels after the exchange; the channels are closed. */
    private record Handshake(SslHandler serverHandler, SslHandler clientHandler) {
        boolean succeeded() {
            return serverHandler.handshakeFuture().isSuccess() && clientHandler.handshakeFuture().isSuccess();
        }

        String serverCause() {
            return serverHandler.handshakeFuture().cause() + " / client: " + clientHandler.handshakeFuture().cause();
        }
    }

    private static Handshake handshake(SslContext serverContext, SslContext clientContext) {
        return handshake(serverContext, clientContext, "127.0.0.1");
    }

    /**
     * A handshake in which the client believes it dialed {@code host}: Netty 4.2 clients check the
     * server certificate's subject alternative names against it by default.
     */
    private static Handshake handshake(SslContext serverContext, SslContext clientContext, String host) {
        SslHandler serverHandler = serverContext.newHandler(ByteBufAllocator.DEFAULT);
        SslHandler clientHandler = clientContext.newHandler(ByteBufAllocator.DEFAULT, host, 7000);
        EmbeddedChannel server = new EmbeddedChannel(serverHandler);
        EmbeddedChannel client = new EmbeddedChannel(clientHandler);
        try {
            // a TLS 1.3 handshake takes a few flights; 50 rounds is far more than enough
            for (int round = 0; round < 50 && !(serverHandler.handshakeFuture().isDone()
                    && clientHandler.handshakeFuture().isDone()); round++) {
                boolean moved = pass(client, server) | pass(server, client);
                server.runPendingTasks();
                client.runPendingTasks();
                if (!moved && !server.isOpen() && !client.isOpen()) {
                    break;
                }
            }
            return new Handshake(serverHandler, clientHandler);
        } finally {
            server.finishAndReleaseAll();
            client.finishAndReleaseAll();
        }
    }

    /** Hands what {@code from} wrote to {@code to}; true if there was anything. */
    private static boolean pass(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf out = from.readOutbound(); out != null; out = from.readOutbound()) {
            moved = true;
            if (to.isOpen()) {
                try {
                    to.writeInbound(out);
                } catch (RuntimeException e) {
                    // a refused handshake surfaces here as well as in the handshake future, which the test checks
                    to.close();
                }
            } else {
                out.release();
            }
        }
        return moved;
    }
}
