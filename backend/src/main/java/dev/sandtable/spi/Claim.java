package dev.sandtable.spi;

import dev.sandtable.model.Sandbox;

import java.time.Duration;

/**
 * A handle on a sandbox taken from a pool. Release it with {@link Backend#release(String, ReleaseMode)}.
 *
 * @param id       handle id
 * @param pool     pool name
 * @param sandbox  the running sandbox
 * @param warm     true when an idle member served the claim, false when one was created
 * @param latency  time from claim to a usable sandbox
 */
public record Claim(String id, String pool, Sandbox sandbox, boolean warm, Duration latency) {
}
