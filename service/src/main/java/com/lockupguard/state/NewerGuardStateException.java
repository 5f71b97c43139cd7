package com.lockupguard.state;

import java.util.Locale;

/**
 * A store value in a format a later guard may write, which this one does not know: a newer instance shares its group
 * (a rolling upgrade), or this older one was started on state a newer one wrote (a downgrade). The guard stops on it
 * rather than dead-letter, or drop, every record of the holdings the newer one wrote, and commit past them: its tasks
 * go to the newer instances, which decide those records. Foreign bytes that happen to start alike stop it too.
 */
public final class NewerGuardStateException extends CorruptStoreValueException {

    /** The format bytes a later guard may give its values: those after this one's, up to this. */
    static final int LAST_LATER_FORMAT = 0x1f;

    NewerGuardStateException(String store, int format, String formats) {
        super(store + " value starts with " + String.format(Locale.ROOT, "byte 0x%02x", format) + ", a format of a "
                + "newer guard: this one writes " + formats + " (a newer instance shares this guard's group, or "
                + "this older one was started on state a newer one wrote)");
    }

    /** Whether {@code format} is one a later guard may write, after {@code newestKnown}, this guard's newest. */
    static boolean isLater(int format, int newestKnown) {
        return format > newestKnown && format <= LAST_LATER_FORMAT;
    }
}
