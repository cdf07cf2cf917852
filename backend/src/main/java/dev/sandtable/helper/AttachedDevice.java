package dev.sandtable.helper;

import java.time.Duration;

/**
 * A block device the helper attached. {@code state} is "attached" while it is what the helper set up; otherwise it
 * says what happened ("gone: detached by someone else", "node-missing: ..."), and for a detach reply "detached".
 */
public record AttachedDevice(int id, String devicePath, DeviceBackend backend, AttachMode mode, boolean directIo,
                             long sizeBytes, int ownerUid, String image, Duration readyTime, String state) {

    public boolean healthy() {
        return "attached".equals(state) || "detached".equals(state);
    }

    static AttachedDevice of(Fields f) {
        return new AttachedDevice((int) f.number(Wire.T_DEVICE_ID, 0), f.string(Wire.T_DEV_PATH),
                DeviceBackend.ofWire(f.number(Wire.T_BACKEND, 0)),
                f.number(Wire.T_MODE, 0) == 1 ? AttachMode.COPY_ON_WRITE : AttachMode.READ_ONLY,
                f.number(Wire.T_DIRECT, 0) == 1, f.number(Wire.T_SIZE, 0), (int) f.number(Wire.T_OWNER_UID, -1),
                f.string(Wire.T_IMAGE), Duration.ofNanos(f.number(Wire.T_READY_US, 0) * 1000), f.string(Wire.T_STATE));
    }
}
