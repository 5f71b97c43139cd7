package com.lockupguard.contract;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Why Jackson could not read some JSON, in words for whoever sent it: without its class and setting names. */
public final class JacksonMessages {

    private JacksonMessages() {
    }

    /**
     * {@code e}'s message without its location. A string, a number or a nesting over Jackson's limits says "...
     * exceeds the maximum allowed (1000, from StreamReadConstraints.getMaxNumberLength())": the setting is left out.
     */
    public static String reason(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        return reason == null ? e.getClass().getSimpleName()
                : reason.replaceAll(", from `?StreamReadConstraints\\.\\w+\\(\\)`?\\)", ")");
    }
}
