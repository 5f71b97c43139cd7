package com.lockupguard.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/** Terms, instants and orders the rule tests share: the letter's holding by default. */
final class RulesFixtures {

    static final HoldingKey DUTCHESS = new HoldingKey("dutchess", "CBYI");
    static final LocalDate EXECUTION = LocalDate.parse("2003-04-28");
    /** The worked example's registration (RULES.md section 8). */
    static final Instant EFFECTIVE = at("2003-07-10T16:30:00-04:00");

    private RulesFixtures() {
    }

    static Instant at(String isoWithOffset) {
        return OffsetDateTime.parse(isoWithOffset).toInstant();
    }

    /** The letter's terms with no registration: FRD 2003-07-27, SRD 2003-08-26. */
    static AgreementTerms letter() {
        return AgreementTerms.letter(DUTCHESS, EXECUTION, null);
    }

    /** The letter's terms registered on 2003-07-10 16:30: FRD then, SRD 2003-08-09. */
    static AgreementTerms letterEffective() {
        return AgreementTerms.letter(DUTCHESS, EXECUTION, EFFECTIVE);
    }

    static AgreementProposal.Builder proposal() {
        return new AgreementProposal.Builder("dutchess", "CBYI", EXECUTION);
    }

    static OrderRequest sale(String id, long quantity) {
        return new OrderRequest(id, "dutchess", "CBYI", OrderKind.PUBLIC_SALE, quantity);
    }

    static OrderRequest transfer(String id, long quantity) {
        return new OrderRequest(id, "dutchess", "CBYI", OrderKind.PRIVATE_TRANSFER, quantity);
    }

    static OrderRequest purchase(String id, long quantity) {
        return new OrderRequest(id, "dutchess", "CBYI", OrderKind.PURCHASE, quantity);
    }
}
