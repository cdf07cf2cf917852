package dev.sandtable.app.cli;

import dev.sandtable.service.ServiceBackends;
import dev.sandtable.synthetic.SyntheticBackend;

class SyntheticCliLifecycleTest extends CliLifecycleTest {
    @Override
    String backend() {
        return ServiceBackends.SYNTHETIC;
    }

    @Override
    String template() {
        return SyntheticBackend.TEMPLATE;
    }
}
