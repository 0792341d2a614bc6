/**
 * One table's versioned data on one node: {@link dev.dynamo.core.store.SiblingStore} keeps each
 * key's sibling set in a storage engine (merging, coordinating new versions, scans by
 * partition), with group commit for durable writes and compaction of siblings a reconciler
 * settles. The key layout in an engine is {@link dev.dynamo.core.store.StorageKeys}.
 */
package dev.dynamo.core.store;
