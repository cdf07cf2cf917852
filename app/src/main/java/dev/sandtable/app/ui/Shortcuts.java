package dev.sandtable.app.ui;

import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns "Shortcut+Shift+R" into a key-code combination (never a character one: those need a keyboard map). */
public final class Shortcuts {
    private Shortcuts() {
    }

    public static KeyCodeCombination parse(String spec) {
        String[] parts = spec.split("\\+");
        List<KeyCombination.Modifier> mods = new ArrayList<>();
        for (int i = 0; i < parts.length - 1; i++) {
            mods.add(switch (parts[i]) {
                case "Shortcut" -> KeyCombination.SHORTCUT_DOWN;
                case "Shift" -> KeyCombination.SHIFT_DOWN;
                case "Alt" -> KeyCombination.ALT_DOWN;
                case "Ctrl" -> KeyCombination.CONTROL_DOWN;
                default -> throw new IllegalArgumentException("unknown modifier " + parts[i] + " in " + spec);
            });
        }
        KeyCode code = KeyCode.valueOf(parts[parts.length - 1].toUpperCase(Locale.ROOT));
        return new KeyCodeCombination(code, mods.toArray(KeyCombination.Modifier[]::new));
    }
}
