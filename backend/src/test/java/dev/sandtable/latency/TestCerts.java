package dev.sandtable.latency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command. */
public record TestCerts(Path certificate, Path key) {
    public static boolean opensslPresent() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin";
        return Stream.of(path.split(":")).filter(p -> !p.isEmpty()).anyMatch(p -> Files.isExecutable(Path.of(p, "openssl")));
    }

    public static final String MISSING = "the openssl command is not installed (Debian: apt-get install openssl); it makes the test's certificate";

    public static TestCerts make(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem"), key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("openssl failed: " + out);
        return new TestCerts(cert, key);
    }
}
