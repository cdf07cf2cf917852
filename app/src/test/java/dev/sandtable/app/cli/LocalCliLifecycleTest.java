package dev.sandtable.app.cli;

import dev.sandtable.local.LocalRuntime;
import dev.sandtable.service.ServiceBackends;

/** The lifecycle through the command line against the service running the real embedded local runtime. */
class LocalCliLifecycleTest extends CliLifecycleTest {
    @Override
    String backend() {
        return ServiceBackends.LOCAL;
    }

    @Override
    String template() {
        return LocalRuntime.HOST_SHELL;
    }
}
