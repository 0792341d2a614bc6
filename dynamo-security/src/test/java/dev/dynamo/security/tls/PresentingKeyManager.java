package dev.dynamo.security.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager that presents its one certificate whatever issuers the server asks for, as an
 * attacker's client would: the JDK's own key managers quietly send no certificate when theirs is
 * not from a requested CA, which would test the wrong refusal.
 */
final class PresentingKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "presented";
    private final IssuedCertificate issued;

    PresentingKeyManager(IssuedCertificate issued) {
        this.issued = issued;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return new X509Certificate[] {issued.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return issued.privateKey();
    }
}
