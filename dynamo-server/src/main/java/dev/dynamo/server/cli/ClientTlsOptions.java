package dev.dynamo.server.cli;

import dev.dynamo.client.DynamoClusterClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --tls-cert}, {@code --tls-key} and {@code --tls-ca} of the commands that talk the binary
 * protocol (get, put, delete): a client certificate for a cluster with mutual TLS
 * (docs/security.md). All three or none.
 *
 * <pre>{@code
 * bin/dynamo get -t default --tls-cert certs/ops.pem --tls-key certs/ops-key.pem --tls-ca certs/ca.pem k
 * }</pre>
 */
final class ClientTlsOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "For a cluster with TLS: this client's certificate (PEM, OU=client); with --tls-key and"
                    + " --tls-ca.")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The private key of --tls-cert (PEM).")
    Path privateKey;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "The cluster CA certificate (PEM).")
    Path ca;

    /**
     * {@code builder} with the client certificate when one is given.
     *
     * @throws IllegalArgumentException when only some of the three options are given
     */
    DynamoClusterClient.Builder applyTo(DynamoClusterClient.Builder builder) {
        int given = (certificate != null ? 1 : 0) + (privateKey != null ? 1 : 0) + (ca != null ? 1 : 0);
        if (given == 0) {
            return builder;
        }
        if (given < 3) {
            throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca go together: give all three or none");
        }
        return builder.tls(certificate, privateKey, ca);
    }
}
