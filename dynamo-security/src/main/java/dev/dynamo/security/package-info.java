/**
 * Security foundation of the cluster (docs/security.md): a cluster CA that issues node and client
 * certificates carrying their role ({@code OU=node} or {@code OU=client}), the TLS material a
 * node loads and reloads, the identity of a peer read from its certificate, and the HTTP API's
 * users and roles.
 *
 * <ul>
 *   <li>{@link dev.dynamo.security.ClusterCredentials}: writes a cluster's CA, node and client files in one call.</li>
 *   <li>{@link dev.dynamo.security.tls}: {@code CertificateAuthority}, {@code Pem}, {@code TlsMaterial},
 *       {@code TlsReloader}, {@code PeerIdentity}.</li>
 *   <li>{@link dev.dynamo.security.auth}: {@code Credentials}, {@code CredentialsWriter}, {@code Role},
 *       {@code Principal}, {@code Action}.</li>
 *   <li>{@link dev.dynamo.security.io}: whole-file writes with owner-only permissions, content fingerprints.</li>
 * </ul>
 *
 * <p>The module depends on slf4j-api and Bouncy Castle only (bcpkix for certificates and PEM);
 * keys, signatures, PBKDF2 and TLS itself come from the JDK's providers, and no provider is
 * registered globally.
 */
package dev.dynamo.security;
