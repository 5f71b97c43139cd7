package com.lockupguard.rules;

import java.util.Objects;

/**
 * The agreement version governing a holding: its terms, which applied version of the holding it
 * is (1-based, counting only versions the guard applied) and the {@link TermsFingerprint} of its
 * terms, so that every decision can say which agreement it was made under.
 */
public record AgreementInForce(AgreementTerms terms, long version, String termsHash) {

    public AgreementInForce {
        Objects.requireNonNull(terms, "terms");
        Objects.requireNonNull(termsHash, "termsHash");
        if (version < 1) {
            throw new IllegalArgumentException("agreement versions count from 1, was " + version);
        }
    }

    /** The first version applied to a holding. */
    public static AgreementInForce first(AgreementTerms terms) {
        return new AgreementInForce(terms, 1, TermsFingerprint.of(terms));
    }

    /** The version after this one, with {@code newTerms}. */
    public AgreementInForce next(AgreementTerms newTerms) {
        return new AgreementInForce(newTerms, Math.addExact(version, 1), TermsFingerprint.of(newTerms));
    }
}
