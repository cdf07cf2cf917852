package dev.sandtable.spi;

import java.util.List;
import java.util.Map;

/**
 * What to run in a new terminal.
 *
 * @param command the program and its arguments; empty for the sandbox's interactive login shell
 * @param columns initial width in character cells
 * @param rows    initial height in character cells
 * @param env     extra environment (TERM defaults to xterm-256color)
 * @param cwd     working directory, or null for the sandbox's default
 */
public record TerminalRequest(List<String> command, int columns, int rows, Map<String, String> env, String cwd) {
    public TerminalRequest {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        if (columns <= 0 || rows <= 0) throw new IllegalArgumentException("a terminal needs at least 1x1 cells, not " + columns + "x" + rows);
    }

    /** The interactive login shell at this size. */
    public static TerminalRequest shell(int columns, int rows) {
        return new TerminalRequest(List.of(), columns, rows, Map.of(), null);
    }
}
