package dev.sandtable.app.ui;

import dev.sandtable.spi.BackendKind;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;

import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sandtable's own icons, rendered at build time from the SVG sources in {@code icons/} (the sandtable-icons jar):
 * the application icon in each size a window manager picks from, and the small 16 px set (with {@code @2x}
 * variants that JavaFX picks on high-density screens).
 */
public final class Icons {
    private static final List<Integer> APP_SIZES = List.of(16, 24, 32, 48, 64, 128, 256);
    private static final Map<String, Image> SMALL = new ConcurrentHashMap<>();

    private Icons() {
    }

    /** The application icon, smallest first (for {@code Stage.getIcons()}); empty if the icons jar is missing. */
    public static List<Image> appIcons() {
        return AppIcons.ALL;
    }

    /** Loaded on first use, once for every window. */
    private static final class AppIcons {
        static final List<Image> ALL = APP_SIZES.stream().map(s -> resource("app/sandtable-" + s + ".png"))
                .filter(u -> u != null).map(u -> new Image(u.toExternalForm())).toList();
    }

    /** The application icon drawn at {@code size} px (one of the rendered sizes), or null. */
    public static ImageView app(int size) {
        URL u = resource("app/sandtable-" + size + ".png");
        return u == null ? null : view(new Image(u.toExternalForm()), size);
    }

    /** One of the small icons ({@code sandbox}, {@code pool}, {@code terminal}, ...) as a 16 px view, or null. */
    public static ImageView small(String name) {
        Image image = SMALL.computeIfAbsent(name, n -> {
            URL u = resource("small/" + n + ".png");
            return u == null ? null : new Image(u.toExternalForm());
        });
        if (image == null) return null;
        ImageView v = view(image, 16);
        v.getStyleClass().add("icon");
        return v;
    }

    /** The small icon of a backend kind ({@code backend-local}, {@code backend-docker}, ...). */
    public static ImageView backend(BackendKind kind) {
        ImageView v = small("backend-" + kind.name().toLowerCase(Locale.ROOT));
        return v != null ? v : small("backend-e2b");
    }

    private static ImageView view(Image image, int size) {
        ImageView v = new ImageView(image);
        v.setFitWidth(size);
        v.setFitHeight(size);
        v.setPreserveRatio(true);
        v.setSmooth(true);
        return v;
    }

    /** Where a small icon's PNG is on the class path, or null (tests). */
    static URL smallResource(String name) {
        return resource("small/" + name + ".png");
    }

    static List<Integer> appSizes() {
        return APP_SIZES;
    }

    static URL resource(String path) {
        return Icons.class.getResource("/dev/sandtable/icons/" + path);
    }
}
