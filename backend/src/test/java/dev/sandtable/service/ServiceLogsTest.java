package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ServiceLogsTest {
    @TempDir
    Path tmp;

    @Test
    void logsRoundTripThroughTheService() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        SyntheticBackend backend = new SyntheticBackend();
        LocalService service = LocalService.start(paths, LocalService.Options.defaults(), () -> backend);
        try (ServiceClient client = ServiceClient.connect(() -> ServiceFiles.locate(paths), ServiceClient.Timeouts.defaults())) {
            Sandbox s = client.create(CreateSandboxRequest.fromTemplate("logged", null)).get(30, TimeUnit.SECONDS);
            String direct = backend.logs(s.id(), 1 << 20).get();
            assertThat(direct).contains("logged").contains("ERROR");
            assertThat(client.logs("logged", 1 << 20).get(30, TimeUnit.SECONDS)).isEqualTo(direct);
            assertThat(client.logs(s.id(), 10).get(30, TimeUnit.SECONDS)).isEqualTo(direct.substring(direct.length() - 10));

            assertThat(failure(client.logs("nobody", 100)).code()).isEqualTo(ErrorCode.NOT_FOUND);

            ServiceInfo info = service.info();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> bad = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/sandboxes/logged/logs?maxBytes=lots"))
                        .header(ApiKeys.HEADER, info.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("maxBytes must be a number");
            }
        } finally {
            service.stop();
        }
    }

    @Test
    void aBackendWithoutLogsAnswersUnsupported() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        TemplateCapableBackend backend = new TemplateCapableBackend();
        LocalService service = LocalService.start(paths, LocalService.Options.defaults(), () -> backend);
        try (ServiceClient client = ServiceClient.connect(() -> ServiceFiles.locate(paths), ServiceClient.Timeouts.defaults())) {
            Sandbox s = client.create(CreateSandboxRequest.fromTemplate("quiet", null)).get(30, TimeUnit.SECONDS);
            SandtableException e = failure(client.logs(s.id(), 100));
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
            assertThat(e.getMessage()).contains("sandbox logs");
        } finally {
            service.stop();
        }
    }

    private static SandtableException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return SandtableException.of(e.getCause());
        }
        throw new AssertionError("expected a failure");
    }
}
