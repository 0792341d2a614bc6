/**
 * Online backup and offline restore of a node's tables: {@link dev.dynamo.core.backup.TableBackup}
 * copies one table through its engine's own online backup and writes a
 * {@link dev.dynamo.core.backup.BackupManifest} (node, table, engine, partitions, ring version,
 * time, checksums) beside it; {@link dev.dynamo.core.backup.TableRestore} checks a backup and
 * puts its files back in a stopped node's data directory (docs/operating.md, "Backup and restore").
 */
package dev.dynamo.core.backup;
