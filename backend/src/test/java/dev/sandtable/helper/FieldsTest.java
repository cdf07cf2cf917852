package dev.sandtable.helper;

import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's TLV codec, without a helper. */
class FieldsTest {
    @Test
    void roundTripsEveryKindAndSkipsUnknownTags() {
        ByteBuffer p = new Fields.Writer().u8(Wire.T_BACKEND, 2).u16(Wire.T_DEPTH, 1024).u32(Wire.T_BLOCK_SIZE, 4096L << 10)
                .u64(Wire.T_SIZE, 1L << 40).string(Wire.T_PATH, "/srv/images/ä.img").u32(61, 5).payload();
        Fields f = Fields.decode(p);
        assertThat(f.number(Wire.T_BACKEND, -1)).isEqualTo(2);
        assertThat(f.number(Wire.T_DEPTH, -1)).isEqualTo(1024);
        assertThat(f.number(Wire.T_BLOCK_SIZE, -1)).isEqualTo(4096L << 10);
        assertThat(f.number(Wire.T_SIZE, -1)).isEqualTo(1L << 40);
        assertThat(f.string(Wire.T_PATH)).isEqualTo("/srv/images/ä.img");
        assertThat(f.number(61)).isEmpty();
    }

    @Test
    void nestedDevicesAreRepeatable() {
        ByteBuffer dev = new Fields.Writer().u32(Wire.T_DEVICE_ID, 3).string(Wire.T_DEV_PATH, "/dev/loop3").payload();
        ByteBuffer all = ByteBuffer.allocate(2 * (4 + dev.remaining())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 2; i++) all.putShort((short) Wire.T_DEVICE).putShort((short) dev.remaining()).put(dev.duplicate());
        Fields f = Fields.decode(all.flip());
        assertThat(f.devices()).hasSize(2);
        assertThat(AttachedDevice.of(f.devices().get(1)).devicePath()).isEqualTo("/dev/loop3");
    }

    @Test
    void refusesMalformedRepliesAndOutOfRangeValues() {
        ByteBuffer littleEndian = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN).putShort((short) Wire.T_DEPTH)
                .putShort((short) 2).put((byte) 1).put((byte) 0).flip();
        assertThat(Fields.decode(littleEndian).number(Wire.T_DEPTH, -1)).isEqualTo(1);
        ByteBuffer runsOver = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).putShort((short) Wire.T_PATH)
                .putShort((short) 9).put((byte) 'a').flip();
        assertThatThrownBy(() -> Fields.decode(runsOver)).isInstanceOf(SandtableException.class).hasMessageContaining("malformed");
        ByteBuffer badInt = ByteBuffer.allocate(7).order(ByteOrder.LITTLE_ENDIAN).putShort((short) Wire.T_DEPTH)
                .putShort((short) 3).put(new byte[3]).flip();
        assertThatThrownBy(() -> Fields.decode(badInt)).hasMessageContaining("expected 2");
        assertThatThrownBy(() -> new Fields.Writer().u16(Wire.T_DEPTH, 70000)).isInstanceOf(SandtableException.class);
        assertThatThrownBy(() -> new Fields.Writer().string(Wire.T_PATH, "")).isInstanceOf(SandtableException.class);
        assertThatThrownBy(() -> new Fields.Writer().string(Wire.T_PATH, "a\0b")).isInstanceOf(SandtableException.class);
    }
}
