package com.lockupguard.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lockupguard.rules.AlertType;
import com.lockupguard.rules.ExecutionResult;
import com.lockupguard.rules.OrderKind;
import com.lockupguard.rules.Outcome;
import com.lockupguard.rules.Phase;
import com.lockupguard.rules.Reason;
import com.lockupguard.rules.TrancheMode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SameNamedConstantsTest {

    @Test
    void shouldMapEveryRulesConstantToItsAvroNamesake() {
        // given every enum the rules hand to the Avro contract
        List<Class<? extends Enum<?>>> rulesEnums = List.of(Reason.class, Outcome.class, OrderKind.class, Phase.class,
                ExecutionResult.class, AlertType.class, TrancheMode.class);

        for (Class<? extends Enum<?>> rules : rulesEnums) {
            Class<? extends Enum<?>> avro = avroTwin(rules);
            for (Enum<?> constant : rules.getEnumConstants()) {
                // when
                Enum<?> mapped = map(rules, avro, constant);

                // then the same name, in the contract's enum, as valueOf(name()) gave
                assertThat(mapped.getDeclaringClass()).isEqualTo(avro);
                assertThat(mapped.name()).isEqualTo(constant.name());
            }
        }
    }

    @Test
    void shouldRefuseAConstantWithoutANamesakeAsValueOfDid() {
        // given the Avro enum's UNKNOWN, which a newer writer's code becomes and the rules do not have
        SameNamedConstants<com.lockupguard.avro.Outcome, Outcome> toRules =
                SameNamedConstants.of(com.lockupguard.avro.Outcome.class, Outcome.class);

        // when / then: refused, naming the constant, and the known ones still map
        assertThatThrownBy(() -> toRules.map(com.lockupguard.avro.Outcome.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No enum constant com.lockupguard.rules.Outcome.UNKNOWN");
        assertThat(toRules.map(com.lockupguard.avro.Outcome.BLOCKED)).isEqualTo(Outcome.BLOCKED);
    }

    @Test
    void shouldMapByNameNotByPosition() {
        // given two enums whose constants are declared in different orders
        SameNamedConstants<Direction, Heading> headings = SameNamedConstants.of(Direction.class, Heading.class);

        // when / then
        assertThat(headings.map(Direction.NORTH)).isEqualTo(Heading.NORTH);
        assertThat(headings.map(Direction.SOUTH)).isEqualTo(Heading.SOUTH);
        assertThatThrownBy(() -> headings.map(Direction.WEST)).isInstanceOf(IllegalArgumentException.class);
    }

    private enum Direction { NORTH, SOUTH, WEST }

    private enum Heading { SOUTH, EAST, NORTH }

    @SuppressWarnings("unchecked")
    private static Class<? extends Enum<?>> avroTwin(Class<? extends Enum<?>> rules) {
        try {
            return (Class<? extends Enum<?>>) Class.forName("com.lockupguard.avro." + rules.getSimpleName());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no Avro enum named like " + rules, e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Enum<?> map(Class rules, Class avro, Enum constant) {
        return SameNamedConstants.of(rules, avro).map(constant);
    }
}
