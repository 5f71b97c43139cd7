package com.lockupguard.rules;

import java.util.Objects;

/**
 * The agreement version governing a holding: its terms, which applied version of the holding it
 * is (1-based, counting only versions the guard applied) and the {@link TermsFingerprint} of its
 * terms, so that every decision can say which agreement it was made under. It carries the terms'
 * {@link LockupCalendar}, computed once: every decision asks it where the clock stands.
 */
public final class AgreementInForce {

    private final AgreementTerms terms;
    private final long version;
    private final String termsHash;
    private final LockupCalendar calendar;

    public AgreementInForce(AgreementTerms terms, long version, String termsHash) {
        this(Objects.requireNonNull(terms, "terms"), version, termsHash, LockupCalendar.of(terms));
    }

    private AgreementInForce(AgreementTerms terms, long version, String termsHash, LockupCalendar calendar) {
        Objects.requireNonNull(termsHash, "termsHash");
        if (version < 1) {
            throw new IllegalArgumentException("agreement versions count from 1, was " + version);
        }
        this.terms = terms;
        this.version = version;
        this.termsHash = termsHash;
        this.calendar = calendar;
    }

    /** The first version applied to a holding. */
    public static AgreementInForce first(AgreementTerms terms) {
        return new AgreementInForce(terms, 1, TermsFingerprint.of(terms));
    }

    /** The version after this one, with {@code newTerms}. */
    public AgreementInForce next(AgreementTerms newTerms) {
        return new AgreementInForce(newTerms, Math.addExact(version, 1), TermsFingerprint.of(newTerms));
    }

    /** The same terms as another applied version of a holding: terms, hash and calendar are shared, not recomputed. */
    public AgreementInForce asVersion(long otherVersion) {
        return otherVersion == version ? this : new AgreementInForce(terms, otherVersion, termsHash, calendar);
    }

    public AgreementTerms terms() {
        return terms;
    }

    public long version() {
        return version;
    }

    public String termsHash() {
        return termsHash;
    }

    public LockupCalendar calendar() {
        return calendar;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AgreementInForce that && version == that.version && terms.equals(that.terms)
                && termsHash.equals(that.termsHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(terms, version, termsHash);
    }

    @Override
    public String toString() {
        return "AgreementInForce[terms=" + terms + ", version=" + version + ", termsHash=" + termsHash + "]";
    }
}
