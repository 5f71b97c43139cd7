package com.lockupguard.state;

import com.lockupguard.rules.AgreementInForce;
import com.lockupguard.rules.AgreementTerms;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agreements in force a codec has read or written lately, by the SHA-256 of their terms: a
 * holding read again is not re-validated, its calendar not recomputed and its terms not
 * re-encoded. Least recently used entries go first; one instance per codec, not thread-safe.
 */
final class TermsCache {

    /** One agreement's terms: the agreement in force as read (any version), its hash's bytes and its terms' encoding. */
    record Entry(AgreementInForce agreement, byte[] hash, byte[] encodedTerms) {
    }

    /** The 256 bits of a terms hash. */
    record Key(long a, long b, long c, long d) {
        static Key of(byte[] hash) {
            return new Key(longAt(hash, 0), longAt(hash, 8), longAt(hash, 16), longAt(hash, 24));
        }

        private static long longAt(byte[] bytes, int offset) {
            long value = 0;
            for (int i = offset; i < offset + 8; i++) {
                value = (value << 8) | (bytes[i] & 0xFF);
            }
            return value;
        }
    }

    static final int HASH_BYTES = 32;

    private final Map<Key, Entry> entries;
    private Entry last;

    TermsCache(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The entry of the terms hashed as {@code hash}, if cached. */
    Entry get(byte[] hash) {
        Entry entry = entries.get(Key.of(hash));
        if (entry != null) {
            last = entry;
        }
        return entry;
    }

    /** The entry of {@code agreement}'s terms, made (and cached) with {@code encoder} if not cached. */
    Entry of(AgreementInForce agreement, java.util.function.Function<AgreementTerms, byte[]> encoder) {
        Entry recent = last;
        if (recent != null && recent.agreement().terms() == agreement.terms()) {
            return recent;
        }
        byte[] hash = HexFormat.of().parseHex(agreement.termsHash());
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a terms hash of " + hash.length + " bytes: " + agreement.termsHash());
        }
        Key key = Key.of(hash);
        Entry entry = entries.get(key);
        if (entry == null || !entry.agreement().terms().equals(agreement.terms())) {
            entry = new Entry(agreement, hash, encoder.apply(agreement.terms()));
            entries.put(key, entry);
        }
        last = entry;
        return entry;
    }

    /** Caches what was decoded for {@code hash}. */
    Entry put(byte[] hash, AgreementInForce agreement, byte[] encodedTerms) {
        Entry entry = new Entry(agreement, hash, encodedTerms);
        entries.put(Key.of(hash), entry);
        last = entry;
        return entry;
    }
}
