package dev.dynamo.security.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerIdentityTest {
    private final CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(30), Clock.systemUTC());

    @Test
    void aNodeCertificateNamesItsNodeAndKind() throws Exception {
        PeerIdentity peer = PeerIdentity.of(ca.issueNode("n1", List.of(), Duration.ofDays(1)).certificate());
        assertEquals(new PeerIdentity("n1", PeerKind.NODE), peer);
        assertTrue(peer.isNode());
        peer.requireNode("n1");
        assertEquals(peer, peer.requireMember());
    }

    @Test
    void aClientCertificateIsAClientAndNeverANode() throws Exception {
        PeerIdentity peer = PeerIdentity.of(ca.issueClient("billing", Duration.ofDays(1)).certificate());
        assertEquals(new PeerIdentity("billing", PeerKind.CLIENT), peer);
        assertFalse(peer.isNode());
        UntrustedPeerException e = assertThrows(UntrustedPeerException.class, () -> peer.requireNode("billing"));
        assertTrue(e.getMessage().contains("client certificate, not a node certificate"), e.getMessage());
        assertThrows(UntrustedPeerException.class, peer::requireMember);
    }

    @Test
    void aNodeCertificateDoesNotVouchForAnotherNode() throws Exception {
        PeerIdentity peer = PeerIdentity.of(ca.issueNode("n1", List.of(), Duration.ofDays(1)).certificate());
        UntrustedPeerException e = assertThrows(UntrustedPeerException.class, () -> peer.requireNode("n2"));
        assertEquals("certificate names node 'n1', not 'n2'", e.getMessage());
    }

    @Test
    void subjectsWithoutExactlyOneCnAndOneKnownOuAreRefused() throws Exception {
        assertRefused("O=dynamo,OU=node", "certificate subject has no CN");
        assertRefused("O=dynamo,CN=n1", "certificate subject has no OU");
        assertRefused("O=dynamo,OU=node,CN=n1,CN=n2", "certificate subject has 2 CN values; exactly one is allowed");
        assertRefused("O=dynamo,OU=node,CN=n1+CN=n2", "certificate subject has 2 CN values; exactly one is allowed");
        assertRefused("O=dynamo,OU=node,OU=client,CN=n1", "certificate subject has 2 OU values; exactly one is allowed");
        assertRefused("O=dynamo,OU=admin,CN=n1", "certificate of 'n1' has an OU that is neither 'node' nor 'client'");
        assertRefused("O=dynamo,OU=Node,CN=n1", "certificate of 'n1' has an OU that is neither 'node' nor 'client'");
        assertRefused("O=dynamo,OU=node,CN=n 1", "certificate subject CN is not a node or client name"
                + " (1 to 64 letters, digits, '-' or '_')");
        assertRefused("O=dynamo,OU=node,CN=evil\\,CN=n1", "certificate subject CN is not a node or client name"
                + " (1 to 64 letters, digits, '-' or '_')");
    }

    @Test
    void aWellFormedForeignSubjectStillParses() throws Exception {
        // PeerIdentity reads the claim; whether the CA signed it is the trust manager's job (TlsMaterialTest)
        assertEquals(new PeerIdentity("n9", PeerKind.NODE),
                PeerIdentity.of(CustomCertificates.withSubject("OU=node,CN=n9")));
    }

    private static void assertRefused(String subject, String message) throws Exception {
        UntrustedPeerException e = assertThrows(UntrustedPeerException.class,
                () -> PeerIdentity.of(CustomCertificates.withSubject(subject)), subject);
        assertEquals(message, e.getMessage(), subject);
    }
}
