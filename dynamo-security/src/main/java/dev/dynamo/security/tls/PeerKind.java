package dev.dynamo.security.tls;

import java.util.Optional;

/**
 * What a certificate lets its holder be, carried in the certificate subject's organizational
 * unit ({@code OU}). The cluster CA signs both kinds, so both complete a TLS handshake with a
 * node; the kind then decides which operations the connection may send.
 */
public enum PeerKind {
    /** {@code OU=node}: a cluster member; may send replica writes, gossip, hints, membership changes. */
    NODE("node"),
    /** {@code OU=client}: an application; may send client operations (get, put, delete) only. */
    CLIENT("client");

    private final String organizationalUnit;

    PeerKind(String organizationalUnit) {
        this.organizationalUnit = organizationalUnit;
    }

    /** The {@code OU} value that marks this kind, lower case. */
    public String organizationalUnit() {
        return organizationalUnit;
    }

    /** The kind whose {@code OU} is exactly {@code value}, if any (case matters: certificates are made by our tooling). */
    public static Optional<PeerKind> ofOrganizationalUnit(String value) {
        for (PeerKind kind : values()) {
            if (kind.organizationalUnit.equals(value)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
