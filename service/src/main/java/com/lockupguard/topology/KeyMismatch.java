package com.lockupguard.topology;

import com.lockupguard.rules.QuotedText;
import com.lockupguard.serde.WireFormat;
import java.nio.charset.StandardCharsets;

/** Why a record whose key is not its holding's is dead-lettered {@code KEY_MISMATCH}, its key shown as it is. */
final class KeyMismatch {

    private KeyMismatch() {
    }

    /** The reason for {@code key}, on a record ("the order") of {@code holding}. */
    static String reason(String key, String record, Object holding) {
        return "record key " + shown(key) + " does not match " + record + "'s holding " + shown(String.valueOf(holding))
                + (key == null ? "" : WireFormat.keyHint(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code key} (or an id) quoted, each control character written as its escape: a header carries it whole. */
    private static String shown(String key) {
        return key == null ? "null" : "'" + QuotedText.controlsEscaped(key) + "'";
    }
}
