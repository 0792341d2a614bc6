package dev.dynamo.security.tls;

import java.security.cert.CertificateException;

/**
 * A peer whose certificate, though signed by the cluster CA, does not say clearly who it is or
 * says it is someone other than expected: no subject CN or OU, several of either, an OU that is
 * neither {@code node} nor {@code client}, a client where a node was required, or another node
 * id. Callers close the connection. Messages repeat names from the certificate only when they are
 * well-formed names, so a hostile subject never reaches a log line.
 */
public final class UntrustedPeerException extends CertificateException {
    private static final long serialVersionUID = 1L;

    /** A refusal with the reason. */
    public UntrustedPeerException(String message) {
        super(message);
    }

    /** A refusal with the reason and what caused it. */
    public UntrustedPeerException(String message, Throwable cause) {
        super(message, cause);
    }
}
