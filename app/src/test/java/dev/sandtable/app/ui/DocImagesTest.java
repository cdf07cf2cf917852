package dev.sandtable.app.ui;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs show only screenshots that the documented command takes: every image linked from README.md and docs/*.md
 * is taken by the screenshot command ({@link DocScreenshots#allFiles()}), and docs/images holds nothing else. (The command itself is
 * {@code ./mvnw -B -q -Pscreenshots package}; this test does not take the pictures.)
 */
class DocImagesTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern IMAGE = Pattern.compile("!\\[[^\\]]*]\\(([^)\\s]+\\.png)\\)|<img[^>]*src=\"([^\"]+\\.png)\"");

    @Test
    void everyLinkedImageIsAScreenshotTheCommandTakes() throws Exception {
        Set<String> scenes = DocScreenshots.allFiles();
        Set<String> linked = new TreeSet<>();
        try (Stream<Path> docs = Stream.concat(Stream.of(ROOT.resolve("README.md")), Files.list(ROOT.resolve("docs")))) {
            for (Path md : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                Matcher m = IMAGE.matcher(Files.readString(md));
                while (m.find()) {
                    String link = m.group(1) != null ? m.group(1) : m.group(2);
                    Path target = md.getParent().resolve(link).normalize();
                    assertThat(target).as("%s links %s", ROOT.relativize(md), link).exists();
                    assertThat(target.getParent()).as("%s links %s outside docs/images", ROOT.relativize(md), link)
                            .isEqualTo(ROOT.resolve("docs/images"));
                    linked.add(target.getFileName().toString());
                }
            }
        }
        assertThat(linked).as("the docs show screenshots").isNotEmpty();
        assertThat(scenes).as("images linked from the docs that the screenshot command does not take").containsAll(linked);
    }

    @Test
    void docsImagesHoldsOnlyTheScenesPictures() throws Exception {
        Set<String> scenes = DocScreenshots.allFiles();
        try (Stream<Path> files = Files.list(ROOT.resolve("docs/images"))) {
            Set<String> pngs = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(pngs).as("docs/images (run ./mvnw -B -q -Pscreenshots package to refresh it)").isEqualTo(new TreeSet<>(scenes));
        }
    }
}
