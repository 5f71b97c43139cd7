package com.lockupguard.state;

/** A store value that is not in any format this guard reads: the store or its changelog holds foreign bytes. */
public class CorruptStoreValueException extends RuntimeException {

    public CorruptStoreValueException(String message) {
        super(message);
    }

    public CorruptStoreValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
