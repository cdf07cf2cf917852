package dev.sandtable.icons.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class IconRendererTest {
    private static final Path SVG = Path.of("svg");

    @Test
    void everySourceDrawsSomethingInsideItsSquareAtEachSize() throws Exception {
        IconRenderer r = new IconRenderer();
        try (Stream<Path> files = Stream.concat(Files.list(SVG.resolve("app")), Files.list(SVG.resolve("small")))) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".svg")).toList();
            assertThat(sources).hasSizeGreaterThan(10);
            for (Path source : sources) {
                for (int size : List.of(16, 32)) {
                    BufferedImage image = r.render(source, size);
                    double inked = inkedShare(image);
                    assertThat(inked).as("%s at %d px", source, size).isBetween(0.05, 0.999);
                }
            }
        }
    }

    @Test
    void writesTheWindowIconsAndEachPlatformsFiles(@TempDir Path out) throws Exception {
        int n = new IconRenderer().renderAll(SVG, out.resolve("classes"), out.resolve("platform"));
        assertThat(n).isGreaterThan(40);
        for (int size : IconRenderer.WINDOW_SIZES) {
            BufferedImage png = ImageIO.read(out.resolve("classes/app/sandtable-" + size + ".png").toFile());
            assertThat(png.getWidth()).isEqualTo(size);
            assertThat(png.getHeight()).isEqualTo(size);
        }
        assertThat(out.resolve("classes/small/sandbox.png")).exists();
        assertThat(out.resolve("classes/small/sandbox@2x.png")).exists();
        assertThat(ImageIO.read(out.resolve("platform/linux/hicolor/512x512/apps/sandtable.png").toFile()).getWidth()).isEqualTo(512);
        assertThat(out.resolve("platform/macos/sandtable.iconset/icon_512x512@2x.png")).exists();

        // the ICO's directory lists every size and each entry points at a PNG of that size
        ByteBuffer ico = ByteBuffer.wrap(Files.readAllBytes(out.resolve("platform/windows/sandtable.ico"))).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(ico.getShort(2)).isEqualTo((short) 1);
        int count = ico.getShort(4);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int entry = 6 + 16 * i;
            int width = Byte.toUnsignedInt(ico.get(entry));
            int length = ico.getInt(entry + 8), offset = ico.getInt(entry + 12);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(ico.array(), offset, length));
            assertThat(img.getWidth()).isEqualTo(width == 0 ? 256 : width);
            sizes.add(img.getWidth());
        }
        assertThat(sizes).isEqualTo(IconRenderer.ICO_SIZES);

        // the ICNS's chunks add up to its declared length and hold PNGs of the sizes their types name
        ByteBuffer icns = ByteBuffer.wrap(Files.readAllBytes(out.resolve("platform/macos/sandtable.icns")));
        assertThat(new String(icns.array(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("icns");
        assertThat(icns.getInt(4)).isEqualTo(icns.capacity());
        List<Integer> icnsSizes = new ArrayList<>();
        for (int at = 8; at < icns.capacity(); at += icns.getInt(at + 4)) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(icns.array(), at + 8, icns.getInt(at + 4) - 8));
            assertThat(IconContainers.icnsType(img.getWidth())).isEqualTo(new String(icns.array(), at, 4, java.nio.charset.StandardCharsets.US_ASCII));
            icnsSizes.add(img.getWidth());
        }
        assertThat(icnsSizes).isEqualTo(IconRenderer.ICNS_SIZES);
    }

    @Test
    void anIcoImageLargerThan256IsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IconContainers.ico(java.util.Map.of(512, new byte[0])))
                .hasMessageContaining("1 to 256");
    }

    private static double inkedShare(BufferedImage image) {
        int inked = 0;
        for (int y = 0; y < image.getHeight(); y++)
            for (int x = 0; x < image.getWidth(); x++)
                if ((image.getRGB(x, y) >>> 24) > 40) inked++;
        return inked / (double) (image.getWidth() * image.getHeight());
    }
}
