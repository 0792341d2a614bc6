package dev.dynamo.security.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Who is at the other end of a TLS connection, read from its certificate's subject: the name
 * (the {@code CN}: a node id or a client name) and the kind (the {@code OU}: {@code node} or
 * {@code client}). The handshake has already proved the certificate was signed by the cluster
 * CA; this class decides what the certificate claims, and refuses (fails closed) when that is
 * not exactly one well-formed name and one known kind.
 *
 * <pre>{@code
 * // after the handshake, on a connection that says in its hello that it is node "n2":
 * PeerIdentity peer = PeerIdentity.of(sslEngine.getSession());
 * peer.requireNode("n2");                 // throws UntrustedPeerException unless CN=n2, OU=node
 * // on a connection that sends only client operations:
 * boolean member = peer.kind() == PeerKind.NODE;
 * }</pre>
 *
 * @param name the subject's CN, following {@link Names#NAME}
 * @param kind the subject's OU
 */
public record PeerIdentity(String name, PeerKind kind) {

    public PeerIdentity {
        Names.require(name, "peer name");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * The identity a certificate claims.
     *
     * @throws UntrustedPeerException if the subject has no CN or OU, several of either, a CN that
     *                                is not a valid name, or an OU other than {@code node} and {@code client}
     */
    public static PeerIdentity of(X509Certificate certificate) throws UntrustedPeerException {
        X500Name subject;
        try {
            subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        } catch (IllegalArgumentException e) {
            throw new UntrustedPeerException("certificate subject cannot be parsed", e);
        }
        String cn = single(subject, BCStyle.CN, "CN");
        String ou = single(subject, BCStyle.OU, "OU");
        if (!Names.isValid(cn)) {
            throw new UntrustedPeerException("certificate subject CN is not a node or client name"
                    + " (1 to 64 letters, digits, '-' or '_')");
        }
        PeerKind kind = PeerKind.ofOrganizationalUnit(ou).orElseThrow(() -> new UntrustedPeerException(
                "certificate of '" + cn + "' has an OU that is neither 'node' nor 'client'"));
        return new PeerIdentity(cn, kind);
    }

    /**
     * The identity of the peer of an established TLS session (its first certificate).
     *
     * @throws UntrustedPeerException if the peer sent no certificate, or as {@link #of(X509Certificate)}
     */
    public static PeerIdentity of(SSLSession session) throws UntrustedPeerException {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new UntrustedPeerException("peer presented no verified certificate", e);
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
            throw new UntrustedPeerException("peer presented no X.509 certificate");
        }
        return of(certificate);
    }

    /** True for a cluster member's certificate. */
    public boolean isNode() {
        return kind == PeerKind.NODE;
    }

    /**
     * Checks that this is the certificate of node {@code nodeId}: kind {@code NODE} and CN equal to
     * the id. Use it where a connection claims to be a node (its hello) and where a node dials
     * another (the certificate must name the node it meant to reach).
     *
     * @throws UntrustedPeerException otherwise
     */
    public void requireNode(String nodeId) throws UntrustedPeerException {
        requireMember();
        if (!name.equals(nodeId)) {
            throw new UntrustedPeerException("certificate names node '" + name + "', not '"
                    + (Names.isValid(nodeId) ? nodeId : "(invalid id)") + "'");
        }
    }

    /** Returns this identity if it is a node's certificate, whatever the node. */
    public PeerIdentity requireMember() throws UntrustedPeerException {
        if (kind != PeerKind.NODE) {
            throw new UntrustedPeerException("peer '" + name + "' holds a " + kind.organizationalUnit()
                    + " certificate, not a node certificate");
        }
        return this;
    }

    private static String single(X500Name subject, ASN1ObjectIdentifier type, String label) throws UntrustedPeerException {
        List<ASN1Encodable> values = new ArrayList<>();
        for (RDN rdn : subject.getRDNs()) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (attribute.getType().equals(type)) {
                    values.add(attribute.getValue());
                }
            }
        }
        if (values.isEmpty()) {
            throw new UntrustedPeerException("certificate subject has no " + label);
        }
        if (values.size() > 1) {
            throw new UntrustedPeerException("certificate subject has " + values.size() + " " + label
                    + " values; exactly one is allowed");
        }
        if (!(values.get(0) instanceof ASN1String text)) {
            throw new UntrustedPeerException("certificate subject " + label + " is not a string");
        }
        return text.getString();
    }
}
