/**
 * HTTP API users: the credentials file (salted PBKDF2 hashes), password checks with a bounded
 * cache, and roles per table (read, write) plus admin for cluster operations.
 */
package dev.dynamo.security.auth;
