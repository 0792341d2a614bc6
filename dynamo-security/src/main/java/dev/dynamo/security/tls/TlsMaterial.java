package dev.dynamo.security.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A node's (or client's) TLS material, loaded and checked: its certificate chain and private key,
 * and the cluster CA as the one and only trust anchor (the JDK's public CAs are not trusted: a
 * certificate from anywhere else cannot join). Loading refuses, naming the setting and the file,
 * a file that is missing or not PEM, a key that does not belong to the certificate, a
 * certificate or CA that is expired or not yet valid at the injected clock's now, a CA file
 * holding a certificate that is not a CA, a certificate not signed by a CA in the CA file, and a
 * certificate whose subject does not name a {@link PeerIdentity}.
 *
 * <p>The CA file may hold several CA certificates: while the cluster moves to a new CA, nodes
 * trust the old and the new. Revocation is not checked (there is no CRL or OCSP in the cluster);
 * short validity and rotation are the answer to a lost key.
 *
 * <pre>{@code
 * TlsMaterial tls = TlsMaterial.load(new TlsFiles(cert, key, ca), Clock.systemUTC());
 * tls.identity().requireNode(nodeId);            // our own certificate must name this node
 * // Netty (server side; clients use SslContextBuilder.forClient().keyManager(...)):
 * //   SslContextBuilder.forServer(tls.keyManagerFactory()).trustManager(tls.trustManagerFactory())
 * //       .clientAuth(ClientAuth.REQUIRE).build();
 * SSLContext jdk = tls.sslContext();             // or plain JDK sockets
 * }</pre>
 */
public final class TlsMaterial {
    /** The TLS protocol {@link #sslContext()} speaks. */
    public static final String PROTOCOL = "TLSv1.3";

    // protects the in-memory key store only; it never reaches a disk, so it is not a secret
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final TlsFiles files;
    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;
    private final List<X509Certificate> trustedCas;
    private final PeerIdentity identity;
    private final String id;
    private final KeyManagerFactory keyManagerFactory;
    private final TrustManagerFactory trustManagerFactory;

    private TlsMaterial(TlsFiles files, List<X509Certificate> chain, PrivateKey privateKey,
            List<X509Certificate> trustedCas, PeerIdentity identity) throws GeneralSecurityException, IOException {
        this.files = files;
        this.chain = chain;
        this.privateKey = privateKey;
        this.trustedCas = trustedCas;
        this.identity = identity;
        this.id = fingerprint(chain, trustedCas);
        this.keyManagerFactory = keyManagerFactory(chain, privateKey);
        this.trustManagerFactory = trustManagerFactory(trustedCas);
    }

    /**
     * Loads and checks the three files at the clock's now.
     *
     * @throws TlsMaterialException naming the setting and file at fault, see the class comment
     */
    public static TlsMaterial load(TlsFiles files, Clock clock) throws TlsMaterialException {
        Date now = Date.from(clock.instant());
        List<X509Certificate> cas = named(TlsFiles.CA_SETTING, () -> Pem.readCertificates(files.ca()));
        List<X509Certificate> chain = named(TlsFiles.CERT_SETTING, () -> Pem.readCertificates(files.certificate()));
        PrivateKey key = named(TlsFiles.KEY_SETTING, () -> Pem.readPrivateKey(files.privateKey()));

        for (X509Certificate ca : cas) {
            if (ca.getBasicConstraints() < 0) {
                throw new TlsMaterialException(files.ca(), "holds a certificate that is not a CA certificate ("
                        + ca.getSubjectX500Principal().getName() + ")").inSetting(TlsFiles.CA_SETTING);
            }
            checkValidity(ca, now, TlsFiles.CA_SETTING, files.ca(), "the CA certificate");
        }
        X509Certificate leaf = chain.get(0);
        if (!KeyPairs.matches(key, leaf.getPublicKey())) {
            throw new TlsMaterialException(files.privateKey(), "the private key does not belong to the certificate in "
                    + files.certificate()).inSetting(TlsFiles.KEY_SETTING);
        }
        for (X509Certificate certificate : chain) {
            checkValidity(certificate, now, TlsFiles.CERT_SETTING, files.certificate(), "the certificate");
        }
        validatePath(chain, cas, now, files);
        PeerIdentity identity;
        try {
            identity = PeerIdentity.of(leaf);
        } catch (UntrustedPeerException e) {
            throw new TlsMaterialException(files.certificate(), "the certificate does not name a node or client: "
                    + e.getMessage(), e).inSetting(TlsFiles.CERT_SETTING);
        }
        try {
            return new TlsMaterial(files, chain, key, cas, identity);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsMaterialException(files.certificate(), "the JDK refused the key and certificate ("
                    + e.getClass().getSimpleName() + ")", e).inSetting(TlsFiles.CERT_SETTING);
        }
    }

    /** The files this was loaded from. */
    public TlsFiles files() {
        return files;
    }

    /** The certificate chain, leaf first. */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** The leaf certificate: this node's or client's own. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The private key of {@link #certificate()}. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The CA certificates trusted, and nothing else. */
    public List<X509Certificate> trustedCas() {
        return trustedCas;
    }

    /** Who our own certificate says we are. */
    public PeerIdentity identity() {
        return identity;
    }

    /** When our own certificate expires. */
    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /**
     * A short hex digest of the certificates (own chain and CAs): equal for material loaded from
     * the same certificates, different after a rotation.
     */
    public String id() {
        return id;
    }

    /** A key manager factory presenting our certificate, for Netty's {@code SslContextBuilder}. */
    public KeyManagerFactory keyManagerFactory() {
        return keyManagerFactory;
    }

    /** A trust manager factory (PKIX) trusting the cluster CA only, for Netty's {@code SslContextBuilder}. */
    public TrustManagerFactory trustManagerFactory() {
        return trustManagerFactory;
    }

    /** The key manager of {@link #keyManagerFactory()}. */
    public X509ExtendedKeyManager keyManager() {
        for (KeyManager manager : keyManagerFactory.getKeyManagers()) {
            if (manager instanceof X509ExtendedKeyManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK's PKIX key manager factory made no X509ExtendedKeyManager");
    }

    /** The trust manager of {@link #trustManagerFactory()}. */
    public X509ExtendedTrustManager trustManager() {
        for (TrustManager manager : trustManagerFactory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
    }

    /**
     * A fresh JDK {@link SSLContext} ({@value #PROTOCOL}) with this material; servers built from it
     * must still ask for client certificates ({@code setNeedClientAuth(true)}).
     */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keyManagerFactory.getKeyManagers(), trustManagerFactory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no " + PROTOCOL, e);
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[" + identity + ", id " + id + ", expires " + notAfter() + "]";
    }

    private static void checkValidity(X509Certificate certificate, Date now, String setting, Path file,
            String what) throws TlsMaterialException {
        try {
            certificate.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw new TlsMaterialException(file, what + " expired on " + certificate.getNotAfter().toInstant(), e)
                    .inSetting(setting);
        } catch (CertificateNotYetValidException e) {
            throw new TlsMaterialException(file, what + " is not valid before " + certificate.getNotBefore().toInstant()
                    + " (is this machine's clock right?)", e).inSetting(setting);
        }
    }

    private static void validatePath(List<X509Certificate> chain, List<X509Certificate> cas, Date now, TlsFiles files)
            throws TlsMaterialException {
        // a chain file may end with the CA itself; PKIX wants the path without its anchor
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && cas.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate ca : cas) {
                anchors.add(new TrustAnchor(ca, null));
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(now);
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            throw new TlsMaterialException(files.certificate(), "the certificate is not signed by a CA in " + files.ca()
                    + " (" + e.getReason() + ")", e).inSetting(TlsFiles.CERT_SETTING);
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException(files.certificate(), "the certificate cannot be checked against " + files.ca()
                    + " (" + e.getClass().getSimpleName() + ")", e).inSetting(TlsFiles.CERT_SETTING);
        }
    }

    private static KeyManagerFactory keyManagerFactory(List<X509Certificate> chain, PrivateKey key)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("dynamo", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
        // PKIX (not the default SunX509) picks keys by validity and extended key usage, like the peer will check them
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, IN_MEMORY_PASSWORD);
        return factory;
    }

    private static TrustManagerFactory trustManagerFactory(List<X509Certificate> cas)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        PKIXBuilderParameters parameters = new PKIXBuilderParameters(store, new X509CertSelector());
        parameters.setRevocationEnabled(false);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(new CertPathTrustManagerParameters(parameters));
        return factory;
    }

    private static String fingerprint(List<X509Certificate> chain, List<X509Certificate> cas)
            throws GeneralSecurityException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try {
            for (X509Certificate certificate : chain) {
                digest.update(certificate.getEncoded());
            }
            digest.update((byte) 0);
            for (X509Certificate ca : cas) {
                digest.update(ca.getEncoded());
            }
        } catch (CertificateEncodingException e) {
            throw new GeneralSecurityException("a certificate cannot be encoded", e);
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }

    /** A step of loading that reads one file. */
    @FunctionalInterface
    private interface Read<T> {
        T read() throws TlsMaterialException;
    }

    private static <T> T named(String setting, Read<T> read) throws TlsMaterialException {
        try {
            return read.read();
        } catch (TlsMaterialException e) {
            throw e.inSetting(setting);
        }
    }
}
