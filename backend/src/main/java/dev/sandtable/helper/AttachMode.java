package dev.sandtable.helper;

/** READ_ONLY serves the image as is; COPY_ON_WRITE (ublk only) sends writes to a sparse overlay, never the image. */
public enum AttachMode {
    READ_ONLY, COPY_ON_WRITE
}
