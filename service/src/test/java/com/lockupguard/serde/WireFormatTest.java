package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireFormatTest {

    /**
     * Ids of every width: a registry's first ones, a byte's sign bit set in each position, Confluent Cloud's (from
     * 100001), and the largest.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 0x80, 0xFF, 258, 0x8000, 65_536, 100_001, 0x800000, 0x01020304, 0x7F80FF81,
            Integer.MAX_VALUE})
    void shouldReadAndWriteTheSchemaIdBigEndianAsConfluentsSerdesDo(int id) {
        // given the header Confluent's serializer writes: magic byte 0, then the id as a big-endian int
        byte[] confluents = ByteBuffer.allocate(WireFormat.HEADER_SIZE).put((byte) 0).putInt(id).array();
        // when this serde reads it, and writes the header of the same id
        int read = WireFormat.readSchemaId(confluents, "orders");
        byte[] written = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(written, id);
        // then it reads that id, and writes those bytes
        assertThat(read).isEqualTo(id);
        assertThat(written).containsExactly(confluents);
    }
}
