package dev.dynamo.security.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a node's (or client's) TLS material lives: the settings {@code tls.cert},
 * {@code tls.key} and {@code tls.ca} of {@code node.properties}.
 *
 * <pre>{@code
 * TlsFiles files = new TlsFiles(conf.resolve("n1.pem"), conf.resolve("n1-key.pem"), conf.resolve("ca.pem"));
 * TlsMaterial material = TlsMaterial.load(files, Clock.systemUTC());
 * }</pre>
 *
 * @param certificate PEM certificate, or chain leaf first ({@code tls.cert})
 * @param privateKey  PEM private key of that certificate ({@code tls.key})
 * @param ca          PEM certificate(s) of the cluster CA, the only trust anchors ({@code tls.ca})
 */
public record TlsFiles(Path certificate, Path privateKey, Path ca) {
    /** The setting naming the certificate file. */
    public static final String CERT_SETTING = "tls.cert";
    /** The setting naming the key file. */
    public static final String KEY_SETTING = "tls.key";
    /** The setting naming the CA file. */
    public static final String CA_SETTING = "tls.ca";

    public TlsFiles {
        Objects.requireNonNull(certificate, CERT_SETTING);
        Objects.requireNonNull(privateKey, KEY_SETTING);
        Objects.requireNonNull(ca, CA_SETTING);
    }

    /** The three files, certificate, key, CA. */
    public List<Path> all() {
        return List.of(certificate, privateKey, ca);
    }
}
