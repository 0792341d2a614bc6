package dev.dynamo.sim;

import dev.dynamo.core.spi.EngineContext;
import dev.dynamo.core.spi.Plugins;
import dev.dynamo.core.spi.StorageEngine;
import dev.dynamo.core.spi.StorageEngineProvider;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code sim-crashable} engine: a {@link CrashableEngine} around a real engine, for the
 * simulation's crash-and-restart faults. Property {@code delegate} names the real engine
 * (default {@code mvstore}); the other properties go to it. For {@code mvstore}, background
 * auto-commit is turned off unless set ({@code autocommit-delay-ms=0}): it runs on a real
 * thread, and the simulation models commits itself on virtual time.
 *
 * <p>With {@code delegate=memory} inside a simulation, the node's {@link SimDisk} keeps one memory
 * engine per table for the node's whole life, standing in for its disk: a crash rolls it
 * back to the last sync and the next incarnation reopens it. The durability model is the
 * same as over MVStore (the undo log decides what a crash loses); only the file I/O is
 * skipped, which makes a run several times faster.
 *
 * <p>When the engine is opened with a {@link SimDisk} among the context's extensions (the
 * simulation gives each node's plugin registry one), it registers with it, so the simulation
 * can crash it and learn the versions it stores.
 *
 * <pre>{@code
 * TableConfig t = TableConfig.of("t", 3, 2, 2, "sim-crashable", "siblings");
 * }</pre>
 */
public final class CrashableEngineProvider implements StorageEngineProvider {

    public static final String NAME = "sim-crashable";
    public static final String DELEGATE = "delegate";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StorageEngine open(EngineContext context) {
        Map<String, String> props = new HashMap<>(context.properties());
        SimDisk disk = context.extensions().get(SimDisk.class).orElse(null);
        String delegateName = props.remove(DELEGATE);
        if (delegateName == null) {
            delegateName = disk != null ? disk.defaultEngine() : "mvstore";
        }
        if (delegateName.equals(NAME)) {
            throw new IllegalArgumentException("table '" + context.table() + "': engine.sim-crashable.delegate cannot be "
                    + NAME + " itself; use a real engine such as mvstore or memory");
        }
        if (delegateName.equals("mvstore")) {
            props.putIfAbsent("autocommit-delay-ms", "0");
        }
        if (delegateName.equals("memory") && disk != null) {
            CrashableEngine engine = new CrashableEngine(context.table(), disk.memoryDisk(context.table()), disk, false);
            disk.opened(engine);
            return engine;
        }
        StorageEngine real = Plugins.engine(delegateName)
                .open(new EngineContext(context.table(), context.dataDir(), props, context.clock()));
        CrashableEngine engine = new CrashableEngine(context.table(), real, disk);
        if (disk != null) {
            disk.opened(engine);
        }
        return engine;
    }
}
