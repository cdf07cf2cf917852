package dev.sandtable.app.devices;

import dev.sandtable.helper.AttachMode;
import dev.sandtable.helper.AttachRequest;
import dev.sandtable.helper.DeviceBackend;

import java.nio.file.Path;

/**
 * What the attach dialog collects. {@code openMyself}: the app opens the image and hands the helper the open file, so
 * the user's own permissions decide; otherwise the helper opens the path, only inside its image directories.
 */
public record AttachForm(Path image, DeviceBackend backend, AttachMode mode, boolean directIo, boolean openMyself) {
    public static AttachForm readOnly(Path image) {
        return new AttachForm(image, DeviceBackend.LOOP, AttachMode.READ_ONLY, true, true);
    }

    public AttachForm withBackend(DeviceBackend b) {
        return new AttachForm(image, b, mode, directIo, openMyself);
    }

    AttachRequest request() {
        return AttachRequest.readOnly(image).withBackend(backend).withMode(mode).withDirectIo(directIo).passingDescriptor(openMyself);
    }
}
