package dev.sandtable.app.ui;

import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.spi.Backend;

import java.nio.file.Path;
import java.util.List;

/** The acceptance scenario against the real embedded runtime on a temporary folder (real processes, real files). */
class LocalRuntimeLifecycleTest extends LifecycleScenario {
    @Override
    List<Backend> backends(Path tmp) {
        return List.of(new LocalRuntime(RuntimePaths.under(tmp)));
    }
}
