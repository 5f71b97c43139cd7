package com.lockupguard.contract;

import java.lang.reflect.Array;
import java.util.HashMap;
import java.util.Map;

/**
 * Each constant of one enum to the constant of the same name in another: the rules' enums and the Avro contract's
 * mirror each other by name. Looked up once, not by {@code valueOf(name())} for every record, a hash lookup that
 * was 2–3 % of a decision's CPU on the stream thread.
 *
 * @param <A> the enum mapped from
 * @param <B> the enum mapped to
 */
final class SameNamedConstants<A extends Enum<A>, B extends Enum<B>> {

    private final Class<B> to;
    /** By ordinal of {@code A}: its namesake in {@code B}, or null where {@code B} has none. */
    private final B[] namesakes;

    @SuppressWarnings("unchecked")
    private SameNamedConstants(Class<A> from, Class<B> to) {
        this.to = to;
        Map<String, B> byName = new HashMap<>();
        for (B constant : to.getEnumConstants()) {
            byName.put(constant.name(), constant);
        }
        A[] constants = from.getEnumConstants();
        this.namesakes = (B[]) Array.newInstance(to, constants.length);
        for (A constant : constants) {
            namesakes[constant.ordinal()] = byName.get(constant.name());
        }
    }

    static <A extends Enum<A>, B extends Enum<B>> SameNamedConstants<A, B> of(Class<A> from, Class<B> to) {
        return new SameNamedConstants<>(from, to);
    }

    /**
     * The constant of {@code constant}'s name.
     *
     * @throws IllegalArgumentException where there is none (as {@code valueOf} would: an Avro {@code UNKNOWN}, a
     *                                  code an older reader does not know)
     */
    B map(A constant) {
        B namesake = namesakes[constant.ordinal()];
        if (namesake == null) {
            throw new IllegalArgumentException("No enum constant " + to.getCanonicalName() + "." + constant.name());
        }
        return namesake;
    }
}
