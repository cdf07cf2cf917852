package dev.sandtable.helper;

import java.util.List;

/** What the helper and its kernel can do, as CAPS reports it. */
public record HelperCapabilities(int protocolVersion, String server, String kernel, boolean ioUring, boolean uringCmd,
                                 boolean ublk, boolean loop, boolean root, boolean openat2, long ublkFeatures,
                                 List<String> imageDirectories) {
    public HelperCapabilities {
        imageDirectories = List.copyOf(imageDirectories);
    }

    /** The backend an AUTO attach would use, or null when neither works here. */
    public DeviceBackend preferredBackend() {
        return ublk ? DeviceBackend.UBLK : loop ? DeviceBackend.LOOP : null;
    }
}
