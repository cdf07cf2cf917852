package dev.sandtable.icons.build;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.view.ViewBox;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The build step that turns the SVG sources into PNGs (run by the icons module's build, never at run time):
 * <ul>
 *   <li>{@code <classes>/app/sandtable-N.png} and {@code <classes>/small/NAME.png}, {@code NAME@2x.png}: the window's
 *       icons, on the class path;</li>
 *   <li>{@code <platform>/linux/sandtable.png} and {@code linux/hicolor/NxN/apps/sandtable.png}: the desktop entry's
 *       icon and the freedesktop icon theme sizes;</li>
 *   <li>{@code <platform>/windows/sandtable.ico}; {@code <platform>/macos/sandtable.icns} and the
 *       {@code sandtable.iconset} folder that Apple's iconutil takes.</li>
 * </ul>
 * The app icon has two drawings: {@code sandtable-small.svg} for 32 px and below, {@code sandtable.svg} above.
 */
public final class IconRenderer {
    static final List<Integer> LINUX_SIZES = List.of(16, 24, 32, 48, 64, 128, 256, 512);
    static final List<Integer> WINDOW_SIZES = List.of(16, 24, 32, 48, 64, 128, 256);
    static final List<Integer> ICO_SIZES = List.of(16, 24, 32, 48, 64, 128, 256);
    static final List<Integer> ICNS_SIZES = List.of(16, 32, 64, 128, 256, 512, 1024);
    private static final int SMALL_DRAWING_MAX = 32;

    private final Map<Path, SVGDocument> loaded = new LinkedHashMap<>();

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: IconRenderer <svg folder> <class path icons folder> <platform folder>");
            System.exit(2);
        }
        int n = new IconRenderer().renderAll(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        System.out.println("icons: wrote " + n + " files from " + args[0]);
    }

    /** Renders everything; returns the number of files written. */
    int renderAll(Path svg, Path classes, Path platform) throws IOException {
        int written = 0;
        Path appSvg = svg.resolve("app");
        for (int size : WINDOW_SIZES) written += writePng(app(appSvg, size), classes.resolve("app/sandtable-" + size + ".png"));
        try (Stream<Path> small = Files.list(svg.resolve("small"))) {
            for (Path source : small.filter(p -> p.toString().endsWith(".svg")).sorted().toList()) {
                String name = source.getFileName().toString().replaceFirst("\\.svg$", "");
                written += writePng(render(source, 16), classes.resolve("small/" + name + ".png"));
                written += writePng(render(source, 32), classes.resolve("small/" + name + "@2x.png"));
            }
        }
        written += writePng(app(appSvg, 512), platform.resolve("linux/sandtable.png"));
        for (int size : LINUX_SIZES)
            written += writePng(app(appSvg, size), platform.resolve("linux/hicolor/" + size + "x" + size + "/apps/sandtable.png"));

        Map<Integer, byte[]> ico = new LinkedHashMap<>();
        for (int size : ICO_SIZES) ico.put(size, png(app(appSvg, size)));
        written += write(platform.resolve("windows/sandtable.ico"), IconContainers.ico(ico));

        Map<Integer, byte[]> icns = new LinkedHashMap<>();
        for (int size : ICNS_SIZES) icns.put(size, png(app(appSvg, size)));
        written += write(platform.resolve("macos/sandtable.icns"), IconContainers.icns(icns));
        for (int size : List.of(16, 32, 128, 256, 512)) {
            written += write(platform.resolve("macos/sandtable.iconset/icon_" + size + "x" + size + ".png"), icns.get(size));
            written += write(platform.resolve("macos/sandtable.iconset/icon_" + size + "x" + size + "@2x.png"), icns.get(size * 2));
        }
        return written;
    }

    private BufferedImage app(Path appSvg, int size) {
        return render(appSvg.resolve(size <= SMALL_DRAWING_MAX ? "sandtable-small.svg" : "sandtable.svg"), size);
    }

    /** The SVG drawn into a transparent size x size image, its view box scaled to fill it. */
    BufferedImage render(Path source, int size) {
        SVGDocument doc = loaded.computeIfAbsent(source, p -> {
            try {
                SVGDocument d = new SVGLoader().load(p.toUri().toURL());
                if (d == null) throw new IllegalArgumentException("not a valid SVG: " + p);
                return d;
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        });
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
            doc.render((java.awt.Component) null, g, new ViewBox(0, 0, size, size));
        } finally {
            g.dispose();
        }
        return image;
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) throw new IllegalStateException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int writePng(BufferedImage image, Path file) throws IOException {
        return write(file, png(image));
    }

    private static int write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return 1;
    }
}
