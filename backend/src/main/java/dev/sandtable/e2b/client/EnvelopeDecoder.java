package dev.sandtable.e2b.client;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a byte stream into {@link Envelope}s, whatever the chunking: a frame split over several chunks is
 * reassembled, several frames in one chunk are all returned. Not thread-safe: one reader feeds it.
 */
public final class EnvelopeDecoder {
    private final int maxPayload;
    private final byte[] header = new byte[Envelope.HEADER_LENGTH];
    private int headerFill;
    private byte[] payload;
    private int payloadFill;
    private int flags;
    private boolean ended;

    /** @param maxPayload the largest payload accepted; a larger declared length is a malformed frame */
    public EnvelopeDecoder(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** Feeds a chunk; returns the frames it completed, in order. */
    public List<Envelope> feed(byte[] chunk, int offset, int length) {
        List<Envelope> out = new ArrayList<>(2);
        int i = offset, end = offset + length;
        while (i < end) {
            if (ended) throw new FrameException("data after the end-of-stream frame (" + (end - i) + " bytes)");
            if (payload == null) {
                int n = Math.min(Envelope.HEADER_LENGTH - headerFill, end - i);
                System.arraycopy(chunk, i, header, headerFill, n);
                headerFill += n;
                i += n;
                if (headerFill < Envelope.HEADER_LENGTH) break;
                flags = header[0] & 0xff;
                if ((flags & ~(Envelope.FLAG_COMPRESSED | Envelope.FLAG_END_STREAM)) != 0)
                    throw new FrameException(String.format("unknown frame flags 0x%02x", flags));
                long len = ((header[1] & 0xffL) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                if (len > maxPayload)
                    throw new FrameException("frame of " + len + " bytes is larger than the " + maxPayload + "-byte limit");
                payload = new byte[(int) len];
                payloadFill = 0;
            }
            int n = Math.min(payload.length - payloadFill, end - i);
            System.arraycopy(chunk, i, payload, payloadFill, n);
            payloadFill += n;
            i += n;
            if (payloadFill == payload.length) {
                Envelope e = new Envelope(flags, payload);
                if (e.isEndStream()) ended = true;
                out.add(e);
                payload = null;
                headerFill = 0;
            }
        }
        return out;
    }

    public List<Envelope> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    /** True when some bytes of an unfinished frame are buffered (the stream was cut mid-frame). */
    public boolean hasPartialFrame() {
        return headerFill > 0 || payload != null;
    }

    /** A short description of the unfinished frame, for error messages. */
    public String partialDescription() {
        if (payload != null) return "a frame cut after " + payloadFill + " of " + payload.length + " payload bytes";
        return "a frame header cut after " + headerFill + " of 5 bytes";
    }

    public boolean ended() {
        return ended;
    }

    /** The peer sent bytes that are not a valid Connect frame. */
    public static final class FrameException extends RuntimeException {
        public FrameException(String message) {
            super(message);
        }
    }

    /** Frames concatenated, for tests and fake servers. */
    public static byte[] concat(Envelope... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Envelope f : frames) out.writeBytes(f.encode());
        return out.toByteArray();
    }
}
