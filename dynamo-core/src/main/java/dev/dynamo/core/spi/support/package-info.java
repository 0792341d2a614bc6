/**
 * What every storage engine needs besides its storage calls, written once: engines may use it,
 * none has to. It depends on {@link dev.dynamo.core.spi} and the JDK only, so a plugin that
 * compiles against the SPI can use it too.
 *
 * <ul>
 *   <li>{@link dev.dynamo.core.spi.support.EngineProperties}: typed {@code engine.<name>.*}
 *       properties, failing with messages that name the table, key, value and what is allowed;</li>
 *   <li>{@link dev.dynamo.core.spi.support.TableFileName} and
 *       {@link dev.dynamo.core.spi.support.DataDirectory}: where a table's files go, and a data
 *       directory checked before the storage library touches it;</li>
 *   <li>{@link dev.dynamo.core.spi.support.EngineLabel}: the engine's messages, all starting
 *       {@code <engine> engine for table '<table>'} and naming the path;</li>
 *   <li>{@link dev.dynamo.core.spi.support.EngineGuard}: the open/closed state and the lock that
 *       keeps calls from racing with close, turning the library's exceptions into
 *       {@link dev.dynamo.core.spi.StorageException}s;</li>
 *   <li>{@link dev.dynamo.core.spi.support.KeyRange},
 *       {@link dev.dynamo.core.spi.support.ScanIterator} and
 *       {@link dev.dynamo.core.spi.support.PagedScan}: scan bounds, and scan iterators that need
 *       only "read the next entry" (or "read a page from here") and "release".</li>
 * </ul>
 *
 * <p>A new engine, with these, is its storage calls:
 *
 * <pre>{@code
 * public final class MyEngine implements StorageEngine {
 *     private final EngineGuard guard;
 *     private final MyDb db;
 *
 *     public static MyEngine open(EngineContext context) {
 *         EngineProperties p = EngineProperties.parse("my-engine", context.table(),
 *                 context.properties(), List.of("cache-mb"));
 *         int cacheMb = p.intAtLeast("cache-mb", 16, 0);
 *         Path dir = TableFileName.in(context.dataDir(), context.table(), ".mydb");
 *         EngineLabel label = new EngineLabel("my-engine", context.table(), dir);
 *         DataDirectory.prepare(label, dir);
 *         return new MyEngine(new EngineGuard(label, List.of(MyDbException.class)), MyDb.open(dir, cacheMb));
 *     }
 *
 *     public byte[] get(byte[] key) {
 *         return guard.call("get", () -> db.get(key));
 *     }
 *
 *     public void put(byte[] key, byte[] value) {
 *         guard.run("put", () -> db.put(key, value));
 *     }
 *
 *     public CloseableIterator<KeyValue> scan(byte[] from, byte[] to) {
 *         KeyRange range = KeyRange.of(from, to);
 *         return guard.openScan(() -> new MyScan(guard, db.cursor(range.from()), range));
 *     }
 *
 *     public void close() {
 *         guard.close(db::close);
 *     }
 *     // delete, write and sync alike
 * }
 * }</pre>
 *
 * <p>Run the engine against {@code StorageEngineContractTest} (dynamo-core's test jar): it
 * checks what the support classes promise (closed-engine failures naming the table, scans
 * that fail after close, bad data directories named in the message) along with the rest of
 * the contract.
 */
package dev.dynamo.core.spi.support;
