package com.lockupguard.timeline;

import java.io.Reader;

/**
 * A text of one line of {@code length} x's, then {@code tail}: made as it is read, so that a test of lines too long
 * to keep holds none of it itself.
 */
final class LongLineThen extends Reader {

    private final long length;
    private final String tail;
    private long given;

    LongLineThen(long length, String tail) {
        this.length = length;
        this.tail = tail;
    }

    @Override
    public int read(char[] to, int offset, int count) {
        long total = length + tail.length();
        if (given >= total) {
            return -1;
        }
        int n = 0;
        for (; n < count && given < total; n++, given++) {
            to[offset + n] = given < length ? 'x' : tail.charAt((int) (given - length));
        }
        return n;
    }

    @Override
    public void close() {
    }
}
