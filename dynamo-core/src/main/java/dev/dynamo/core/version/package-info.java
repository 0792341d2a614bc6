/**
 * Versions and causality (paper §4.4): each write is a {@link dev.dynamo.core.version.Dot}
 * (node, counter) with the causal context its writer saw; a key holds the
 * {@link dev.dynamo.core.version.SiblingSet} of versions nothing supersedes, a dotted version
 * vector set. Pure values with their codec; no I/O.
 */
package dev.dynamo.core.version;
