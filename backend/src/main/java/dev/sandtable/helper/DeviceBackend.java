package dev.sandtable.helper;

/** How the helper exposes an image: ublk where the kernel has it, else loop; AUTO lets the helper choose. */
public enum DeviceBackend {
    AUTO, LOOP, UBLK;

    static DeviceBackend ofWire(long v) {
        return v == 2 ? UBLK : v == 1 ? LOOP : AUTO;
    }
}
