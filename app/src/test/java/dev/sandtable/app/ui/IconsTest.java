package dev.sandtable.app.ui;

import dev.sandtable.spi.BackendKind;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The icons the window asks for are in the icons jar, at the sizes their names promise. */
class IconsTest {
    @Test
    void theAppIconComesInEverySizeTheWindowOffers() throws Exception {
        for (int size : Icons.appSizes()) {
            var url = Icons.resource("app/sandtable-" + size + ".png");
            assertThat(url).as("app icon %d px", size).isNotNull();
            var image = ImageIO.read(url);
            assertThat(image.getWidth()).isEqualTo(size);
            assertThat(image.getHeight()).isEqualTo(size);
        }
    }

    @Test
    void everySmallIconTheWindowUsesHasItsHighDensityTwin() throws Exception {
        List<String> used = List.of("sandbox", "pool", "snapshot", "template", "terminal", "watch", "latency", "device");
        for (String name : used) {
            assertThat(Icons.smallResource(name)).as(name).isNotNull();
            assertThat(ImageIO.read(Icons.smallResource(name)).getWidth()).isEqualTo(16);
            assertThat(ImageIO.read(Icons.smallResource(name + "@2x")).getWidth()).isEqualTo(32);
        }
    }

    @Test
    void theBackendKindsWithAnIconOfTheirOwn() {
        for (BackendKind kind : BackendKind.values()) {
            boolean own = Icons.smallResource("backend-" + kind.name().toLowerCase(Locale.ROOT)) != null;
            // an OpenSandbox platform shows the generic remote-platform icon (the E2B one) until it has its own
            assertThat(own).as("%s has its own icon", kind).isEqualTo(kind != BackendKind.OPENSANDBOX);
        }
    }
}
