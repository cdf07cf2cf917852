package dev.sandtable.app.ui;

import dev.sandtable.spi.Backend;
import dev.sandtable.synthetic.SyntheticBackend;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

class SyntheticLifecycleTest extends LifecycleScenario {
    @Override
    List<Backend> backends(Path tmp) {
        return List.of(new SyntheticBackend("local", "Local", Clock.systemUTC()));
    }
}
