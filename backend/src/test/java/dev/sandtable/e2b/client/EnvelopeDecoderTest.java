package dev.sandtable.e2b.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeDecoderTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<Envelope> frames) {
        return frames.stream().map(f -> (f.isEndStream() ? "END:" : "") + new String(f.payload(), StandardCharsets.UTF_8)).toList();
    }

    private static final byte[] THREE = EnvelopeDecoder.concat(Envelope.message(utf8("{\"a\":1}")), Envelope.message(utf8("")),
            Envelope.endStream(utf8("{}")));

    @Test
    void encodesHeaderAsFlagAndBigEndianLength() {
        byte[] b = new Envelope(2, new byte[300]).encode();
        assertThat(b).hasSize(305);
        assertThat(b[0]).isEqualTo((byte) 2);
        assertThat(new byte[]{b[1], b[2], b[3], b[4]}).containsExactly(0, 0, 1, 44);
    }

    @Test
    void coalescedFramesInOneChunkAreAllReturned() {
        EnvelopeDecoder d = new EnvelopeDecoder(1024);
        assertThat(texts(d.feed(THREE))).containsExactly("{\"a\":1}", "", "END:{}");
        assertThat(d.ended()).isTrue();
        assertThat(d.hasPartialFrame()).isFalse();
    }

    @Test
    void everySplitPointGivesTheSameFrames() {
        for (int cut = 0; cut <= THREE.length; cut++) {
            EnvelopeDecoder d = new EnvelopeDecoder(1024);
            List<Envelope> out = new ArrayList<>(d.feed(THREE, 0, cut));
            out.addAll(d.feed(THREE, cut, THREE.length - cut));
            assertThat(texts(out)).as("cut at %d", cut).containsExactly("{\"a\":1}", "", "END:{}");
        }
    }

    @Test
    void byteByByteAndRandomChunksGiveTheSameFrames() {
        EnvelopeDecoder single = new EnvelopeDecoder(1024);
        List<Envelope> out = new ArrayList<>();
        for (int i = 0; i < THREE.length; i++) out.addAll(single.feed(THREE, i, 1));
        assertThat(texts(out)).containsExactly("{\"a\":1}", "", "END:{}");

        Random r = new Random(42);
        for (int round = 0; round < 200; round++) {
            EnvelopeDecoder d = new EnvelopeDecoder(1024);
            List<Envelope> got = new ArrayList<>();
            int i = 0;
            while (i < THREE.length) {
                int n = Math.min(THREE.length - i, r.nextInt(7));
                got.addAll(d.feed(THREE, i, n));
                i += n;
            }
            assertThat(texts(got)).containsExactly("{\"a\":1}", "", "END:{}");
        }
    }

    @Test
    void partialFrameIsReportedWithWhereItWasCut() {
        EnvelopeDecoder d = new EnvelopeDecoder(1024);
        assertThat(d.feed(THREE, 0, 3)).isEmpty();
        assertThat(d.hasPartialFrame()).isTrue();
        assertThat(d.partialDescription()).contains("header cut after 3 of 5");
        assertThat(d.feed(THREE, 3, 5)).isEmpty();
        assertThat(d.partialDescription()).contains("cut after 3 of 7 payload bytes");
    }

    @Test
    void oversizedFrameIsRefusedBeforeItsPayloadIsRead() {
        EnvelopeDecoder d = new EnvelopeDecoder(100);
        byte[] header = {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThatThrownBy(() -> d.feed(header)).isInstanceOf(EnvelopeDecoder.FrameException.class)
                .hasMessageContaining("2147483647 bytes").hasMessageContaining("100-byte limit");
        byte[] gzipMagic = {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00};
        assertThatThrownBy(() -> new EnvelopeDecoder(1 << 20).feed(gzipMagic)).isInstanceOf(EnvelopeDecoder.FrameException.class)
                .hasMessageContaining("unknown frame flags 0x1f");
    }

    @Test
    void dataAfterEndOfStreamIsMalformed() {
        EnvelopeDecoder d = new EnvelopeDecoder(1024);
        byte[] twice = EnvelopeDecoder.concat(Envelope.endStream(utf8("{}")), Envelope.message(utf8("{}")));
        assertThatThrownBy(() -> d.feed(twice)).isInstanceOf(EnvelopeDecoder.FrameException.class)
                .hasMessageContaining("after the end-of-stream frame");
    }

    @Test
    void largeFrameSpanningManyChunks() {
        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);
        byte[] wire = Envelope.message(big).encode();
        EnvelopeDecoder d = new EnvelopeDecoder(1 << 20);
        List<Envelope> got = new ArrayList<>();
        for (int i = 0; i < wire.length; i += 4096) got.addAll(d.feed(wire, i, Math.min(4096, wire.length - i)));
        assertThat(got).hasSize(1);
        assertThat(got.getFirst().payload()).isEqualTo(big);
        assertThat(got.getFirst().isCompressed()).isFalse();
    }
}
