package com.lockupguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Record keys read as UTF-8, and refused, with a message safe to log, where they are not. */
class Utf8KeyDeserializerTest {

    private final Utf8KeyDeserializer keys = new Utf8KeyDeserializer();

    @Test
    void shouldReadAKeyWrittenAsUtf8AsItsText() {
        // given a holding's key with an investor "Zoë", as a UTF-8 producer writes it
        byte[] key = "Zo\u00eb/CBYI".getBytes(StandardCharsets.UTF_8);

        // when
        String read = keys.deserialize("orders", key);

        // then it is that text; and a record without a key has none
        assertThat(read).isEqualTo("Zo\u00eb/CBYI");
        assertThat(keys.deserialize("orders", null)).isNull();
    }

    @Test
    void shouldRefuseAKeyALatin1ProducerWroteNamingTheTopicAndTheByte() {
        // given the key of "Zoé/CBYI" as a Latin-1 producer writes it (5A 6F E9 ...)
        byte[] key = "Zo\u00e9/CBYI".getBytes(StandardCharsets.ISO_8859_1);

        // when / then it is refused as a record that cannot be read, saying where, so that it is dead-lettered
        assertThatThrownBy(() -> keys.deserialize("orders", key)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("'orders'").hasMessageContaining("byte 3 of 8 is 0xe9");
    }

    @Test
    void shouldSayThatARefusedKeyIsASchemaRegistrySerdesWhereItStartsAsOneWrites() {
        // given a key as Confluent's Avro serializer writes a string under schema id 200 (00 00 00 00 C8, then Avro)
        byte[] key = {0, 0, 0, 0, (byte) 200, 26, 'd', 'u', 't', 'c', 'h', 'e', 's', 's', '/', 'C', 'B', 'Y', 'I'};

        // when / then it is refused, saying what wrote it and what the guard reads
        assertThatThrownBy(() -> keys.deserialize("orders", key)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("byte 5 of 19 is 0xc8")
                .hasMessageContaining("it starts as a schema registry serde writes a key, a zero byte and schema id "
                        + "200: the guard's keys are plain UTF-8 text, investorId/securityId");
    }

    @Test
    void shouldRefuseAKeyWhoseFirstBytesAreNotUtf8ThoughTheRestIs() {
        // given Latin-1 keys of "Éric/CBYI" (C9 72 ...), whose first byte is the bad one, and of "ÉÈ" (C9 C8), with
        // no ASCII byte at all
        for (String text : new String[] {"\u00c9ric/CBYI", "\u00c9\u00c8"}) {
            byte[] key = text.getBytes(StandardCharsets.ISO_8859_1);

            // when / then each is refused at its first byte, not read as U+FFFD and the rest
            assertThatThrownBy(() -> keys.deserialize("orders", key)).as(text)
                    .isInstanceOf(SerializationException.class).hasMessageContaining("byte 1 of " + key.length);
        }
    }

    @Test
    void shouldShowARefusedKeyCutShortAndWithItsControlCharactersEscapedSoThatItCannotForgeALogLine() {
        // given a key that is not UTF-8, whose sender put a line break and a made-up log line in it, and 200 more
        // characters
        String sent = "x\n2026-01-05 15:00:00 INFO an entry the guard never wrote " + "y".repeat(200) + "\u00e9";
        byte[] key = sent.getBytes(StandardCharsets.ISO_8859_1);

        // when it is refused
        String message = messageOf(key);

        // then the message holds no line break, the break escaped, and 64 characters of the key at most, cut short
        assertThat(message).doesNotContain("\n").contains("\"x\\u000a2026-01-05 15:00:00 INFO an entry");
        String shown = message.substring(message.indexOf("read as UTF-8, \"") + "read as UTF-8, \"".length(),
                message.indexOf("\"): keys"));
        assertThat(shown).endsWith("…").doesNotContain("y".repeat(64));
        assertThat(shown.replace("\\u000a", "\n")).hasSize(64 + 1);
    }

    @Test
    void shouldShowARefusedKeyOfSixtyFourCharactersWhole() {
        // given a key that is not UTF-8 and exactly as long as a message shows
        String sent = "a".repeat(63) + "\u00e9";
        byte[] key = sent.getBytes(StandardCharsets.ISO_8859_1);

        // when it is refused
        String message = messageOf(key);

        // then it is shown whole, with U+FFFD where the bad byte is, and not marked as cut short
        assertThat(message).contains("read as UTF-8, \"" + "a".repeat(63) + "\ufffd\"").doesNotContain("…");
    }

    private String messageOf(byte[] key) {
        try {
            keys.deserialize("orders", key);
            throw new AssertionError("the key was read");
        } catch (SerializationException e) {
            return e.getMessage();
        }
    }
}
