/**
 * Certificates and TLS: the cluster CA, PEM files, a node's checked TLS material and its reload
 * without restart, and the identity (node or client) a peer's certificate claims.
 */
package dev.dynamo.security.tls;
