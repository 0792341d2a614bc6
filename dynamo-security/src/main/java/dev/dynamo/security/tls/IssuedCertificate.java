package dev.dynamo.security.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its private key, as {@link CertificateAuthority} issues them.
 * {@link #toString()} shows the subject and serial, never the key.
 *
 * <pre>{@code
 * IssuedCertificate n1 = ca.issueNode("n1", List.of("10.0.0.1", "n1.example.org"), Duration.ofDays(365));
 * n1.writeTo(dir.resolve("n1.pem"), dir.resolve("n1-key.pem"));
 * }</pre>
 *
 * @param certificate the certificate
 * @param privateKey  its private key
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** Writes the certificate (readable by all) and the key (PKCS#8, owner-only) as PEM. */
    public void writeTo(Path certificateFile, Path keyFile) throws IOException {
        Pem.writeCertificates(certificateFile, List.of(certificate));
        Pem.writePrivateKey(keyFile, privateKey);
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName()
                + ", serial " + certificate.getSerialNumber().toString(16) + "]";
    }
}
