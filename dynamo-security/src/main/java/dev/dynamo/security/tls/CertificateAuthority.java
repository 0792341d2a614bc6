package dev.dynamo.security.tls;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * The cluster's certificate authority: the one certificate every node trusts, and the key that
 * signs node and client certificates. Keys are EC P-256. Subjects carry the role: nodes get
 * {@code CN=<node id>, OU=node, O=dynamo} and may act as TLS server and client; clients get
 * {@code CN=<name>, OU=client, O=dynamo} and may act as TLS client only. See {@link PeerIdentity}
 * for how a node reads them back.
 *
 * <p>Validity starts {@link #BACKDATE} before the injected clock's now, so a node whose clock is
 * a few minutes behind the issuer's still accepts a fresh certificate, and ends {@code validity}
 * after now. A certificate may not outlive the CA that signs it.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create("dynamo cluster CA", Duration.ofDays(3650), Clock.systemUTC());
 * ca.credentials().writeTo(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
 * IssuedCertificate n1 = ca.issueNode("n1", List.of("10.0.0.1"), Duration.ofDays(365));
 * IssuedCertificate app = ca.issueClient("billing", Duration.ofDays(90));
 * // later, to issue more from the same CA:
 * CertificateAuthority again = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"), Clock.systemUTC());
 * }</pre>
 */
public final class CertificateAuthority {
    /** How far before "now" a certificate's validity starts, for clocks that run a little behind. */
    public static final Duration BACKDATE = Duration.ofMinutes(5);
    /** The organization every subject carries. */
    public static final String ORGANIZATION = "dynamo";

    /** A DNS name: dot-separated labels of letters, digits and inner hyphens, optionally a leading wildcard label. */
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private final IssuedCertificate self;
    private final Clock clock;
    private final SecureRandom random;

    private CertificateAuthority(IssuedCertificate self, Clock clock, SecureRandom random) {
        this.self = self;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Creates a new CA: a fresh key and a self-signed certificate {@code CN=<name>, O=dynamo},
     * valid for {@code validity} from the clock's now.
     */
    public static CertificateAuthority create(String name, Duration validity, Clock clock) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the CA needs a name");
        }
        requirePositive(validity);
        SecureRandom random = new SecureRandom();
        KeyPair keys = KeyPairs.newP256(random);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.CN, name)
                .build();
        Instant now = now(clock);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = sign(builder, keys.getPrivate());
            return new CertificateAuthority(new IssuedCertificate(certificate, keys.getPrivate()), clock, random);
        } catch (NoSuchAlgorithmException | CertIOException e) {
            throw new IllegalStateException("cannot build the CA certificate", e);
        }
    }

    /**
     * Loads a CA from its PEM certificate and key.
     *
     * @throws TlsMaterialException if a file is missing or not PEM, the certificate is not a CA
     *                              certificate allowed to sign certificates, or the key does not match it
     */
    public static CertificateAuthority load(Path certificateFile, Path keyFile, Clock clock) throws TlsMaterialException {
        List<X509Certificate> certificates = Pem.readCertificates(certificateFile);
        if (certificates.size() != 1) {
            throw new TlsMaterialException(certificateFile, "expected the one CA certificate, found " + certificates.size());
        }
        X509Certificate certificate = certificates.get(0);
        boolean[] usage = certificate.getKeyUsage();
        if (certificate.getBasicConstraints() < 0 || (usage != null && !usage[5])) {
            throw new TlsMaterialException(certificateFile, "not a CA certificate (it may not sign certificates)");
        }
        PrivateKey key = Pem.readPrivateKey(keyFile);
        if (!KeyPairs.matches(key, certificate.getPublicKey())) {
            throw new TlsMaterialException(keyFile, "the key does not belong to the CA certificate in " + certificateFile);
        }
        return new CertificateAuthority(new IssuedCertificate(certificate, key), clock, new SecureRandom());
    }

    /** The CA certificate, which every node and client trusts ({@code tls.ca}). */
    public X509Certificate certificate() {
        return self.certificate();
    }

    /** How long the CA stays valid from now (zero or negative once it has expired). */
    public Duration remainingValidity() {
        return Duration.between(now(clock), self.certificate().getNotAfter().toInstant());
    }

    /** The CA certificate and its key, to write them out. Keep the key off the nodes. */
    public IssuedCertificate credentials() {
        return self;
    }

    /**
     * Issues a node's certificate: {@code CN=<nodeId>, OU=node, O=dynamo}, usable as TLS server and
     * client, with {@code hosts} (IP literals and DNS names) as subject alternative names so that
     * HTTPS clients checking host names accept it.
     *
     * @throws IllegalArgumentException if the id is not 1 to 64 letters, digits, '-' or '_', a host
     *                                  is neither an IP literal nor a DNS name, or the certificate
     *                                  would outlive the CA
     */
    public IssuedCertificate issueNode(String nodeId, List<String> hosts, Duration validity) {
        Names.require(nodeId, "node id");
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(subjectAlternativeName(host));
        }
        return issue(nodeId, PeerKind.NODE, names, validity,
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth});
    }

    /**
     * Issues a client's certificate: {@code CN=<name>, OU=client, O=dynamo}, usable as TLS client only.
     *
     * @throws IllegalArgumentException if the name is not 1 to 64 letters, digits, '-' or '_', or the
     *                                  certificate would outlive the CA
     */
    public IssuedCertificate issueClient(String name, Duration validity) {
        Names.require(name, "client name");
        return issue(name, PeerKind.CLIENT, List.of(), validity, new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth});
    }

    private IssuedCertificate issue(String name, PeerKind kind, List<GeneralName> alternativeNames, Duration validity,
            KeyPurposeId[] purposes) {
        requirePositive(validity);
        Instant now = now(clock);
        Instant notAfter = now.plus(validity);
        Instant caNotAfter = self.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            throw new IllegalArgumentException("a certificate for '" + name + "' valid until " + notAfter
                    + " would outlive the CA, which expires " + caNotAfter + "; choose a shorter validity or a new CA");
        }
        KeyPair keys = KeyPairs.newP256(random);
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.OU, kind.organizationalUnit())
                .addRDN(BCStyle.CN, name)
                .build();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(self.certificate(), serial(random),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(self.certificate()));
            if (!alternativeNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
            }
            return new IssuedCertificate(sign(builder, self.privateKey()), keys.getPrivate());
        } catch (NoSuchAlgorithmException | CertIOException | CertificateException e) {
            throw new IllegalStateException("cannot build the certificate for '" + name + "'", e);
        }
    }

    private static GeneralName subjectAlternativeName(String host) {
        Objects.requireNonNull(host, "host");
        if (IPAddress.isValid(host)) {
            return new GeneralName(GeneralName.iPAddress, host);
        }
        if (host.length() <= 253 && DNS_NAME.matcher(host).matches()) {
            return new GeneralName(GeneralName.dNSName, host);
        }
        throw new IllegalArgumentException("host '" + host + "' is neither an IP address nor a DNS name");
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(KeyPairs.signatureAlgorithm(signingKey)).build(signingKey)));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot sign a certificate with the CA key", e);
        }
    }

    /** A random positive serial of at most 159 bits: unique without a counter, within the 20-octet limit. */
    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(159, random).setBit(0);
    }

    /** Certificates carry whole seconds; truncating first keeps "valid until" exactly what is compared. */
    private static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static void requirePositive(Duration validity) {
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + self.certificate().getSubjectX500Principal().getName() + "]";
    }
}
