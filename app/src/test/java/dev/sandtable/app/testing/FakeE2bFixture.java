package dev.sandtable.app.testing;

import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.e2b.FakeE2bPlatform;

import java.time.Duration;


/** A fake E2B platform with one running sandbox and an E2bBackend on it: what the terminal and watch window tests drive. */
public final class FakeE2bFixture implements AutoCloseable {
    public final FakeE2bPlatform platform;
    public final E2bBackend backend;
    public final String sandbox;

    public FakeE2bFixture() throws Exception {
        platform = new FakeE2bPlatform();
        backend = new E2bBackend(new E2bConfig(platform.uri(), FakeE2bPlatform.KEY, null, E2bConfig.Routing.SANDBOX_URL,
                platform.uri(), Duration.ofSeconds(10), null));
        sandbox = platform.add("running");
    }

    @Override
    public void close() throws Exception {
        backend.close();
        platform.close();
    }
}
