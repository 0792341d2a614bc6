/**
 * A table as configured ({@link dev.dynamo.core.table.TableConfig}: N, R, W, engine, reconciler,
 * partitioner, durability, limits) and as open on a node ({@link dev.dynamo.core.table.Table}).
 */
package dev.dynamo.core.table;
