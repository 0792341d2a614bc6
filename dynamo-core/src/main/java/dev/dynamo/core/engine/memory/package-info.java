/**
 * The {@code memory} storage engine: one table in memory, gone when the node stops. For tests,
 * the simulation, caches and benchmarks of the rest of the store; a plugin like any other, found
 * through {@code META-INF/services}.
 */
package dev.dynamo.core.engine.memory;
