package dev.sandtable.app.devices;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A failure talking to the native helper, as the Devices view shows it: what went wrong (the helper's own sentence
 * where it sent one) and what the user can do about it.
 */
public record HelperProblem(String message, String hint, boolean unreachable) {
    /** The protocol's error codes this view explains (docs/native-helper-protocol.md). */
    private static final int DENIED = 4, UNSUPPORTED = 7, PATH_REFUSED = 10, TOO_SMALL = 11;

    /** How to start the helper: the command for a session and the systemd unit for good. */
    public static String howToStart(Path socket) {
        return "Start it as root for this session:\n  sudo native-helper/build/sandtable-helper --socket " + socket
                + " --image-dir ~/images\nor install the systemd socket unit (installers/native-helper/README.md):\n"
                + "  sudo systemctl enable --now sandtable-helper.socket";
    }

    static HelperProblem of(Throwable t, Path socket, List<String> imageDirs) {
        SandtableException e = SandtableException.of(t);
        String m = e.getMessage() == null ? e.code().name() : e.getMessage();
        // the helper's own code where it answered; otherwise (a scripted fake, the client itself) its sentence
        int code = e instanceof dev.sandtable.helper.HelperException h ? h.helperCode() : 0;
        if (e.code() == ErrorCode.UNAVAILABLE) {
            if (m.contains("not running at")) {
                String what = Files.exists(socket) ? "The native helper does not answer at " + socket + " (nothing listens on the socket)"
                        : "The native helper is not running: there is no socket at " + socket;
                return new HelperProblem(what, howToStart(socket), true);
            }
            return new HelperProblem(m, "The helper may have stopped or restarted; check it (systemctl status sandtable-helper)"
                    + " and press Refresh. " + howToStart(socket), true);
        }
        if (e.code() == ErrorCode.UNAUTHORIZED && m.contains("refusing the helper socket"))
            return new HelperProblem(m, "Some other user's process listens there and could be posing as the helper. Use the"
                    + " helper's own socket (/run/sandtable/helper.sock under systemd) or remove the stale one. " + howToStart(socket), true);
        if (code == DENIED || e.code() == ErrorCode.UNAUTHORIZED)
            return new HelperProblem(m, "The helper serves root, the user who started it and the group 'sandtable'. Join the group:\n"
                    + "  sudo usermod -aG sandtable $USER   (then log in again)\nor start the helper with --allow-uid $(id -u).", true);
        if (code == PATH_REFUSED || m.contains("outside the helper's image directories") || m.contains("must be owned by you"))
            return new HelperProblem(m, "By path the helper opens only your own files in its image directories"
                    + (imageDirs.isEmpty() ? " (it has none)" : " (" + String.join(", ", imageDirs) + ")")
                    + ". Move the image there, or keep \"Open the file myself\" on so that your own permissions decide.", false);
        if (m.contains("needs native access"))
            return new HelperProblem(m, "Start the app with ./sandtable (it allows native access), or turn \"Open the file myself\""
                    + " off and attach a file in the helper's image folders by path.", false);
        if (code == TOO_SMALL || m.contains("must be at least"))
            return new HelperProblem(m, "An image must be at least 4 KiB and a multiple of 512 bytes. Export a local snapshot"
                    + " (Snapshots: Export as disk image) for a ready ext4 image.", false);
        if ((code == UNSUPPORTED || e.code() == ErrorCode.UNSUPPORTED) && m.contains("ublk"))
            return new HelperProblem(m, "Attach with the loop backend, read-only; copy-on-write needs ublk.", false);
        return new HelperProblem(m, null, false);
    }
}
