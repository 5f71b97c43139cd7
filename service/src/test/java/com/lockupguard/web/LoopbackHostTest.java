package com.lockupguard.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which Host headers name this machine: literally, never by resolving a name (what DNS rebinding relies on). */
class LoopbackHostTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST:8080", "localhost.", "localhost.:8080", "127.0.0.1",
            "127.0.0.1:8080", "127.1.2.3:80", "[::1]", "[::1]:8080", "[0:0:0:0:0:0:0:1]:8080"})
    void shouldTakeTheLiteralNamesOfThisMachine(String host) {
        assertThat(LoopbackHost.named(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "rebind.evil.example", "rebind.evil.example:8080", "localhost.evil.example",
            "127.0.0.1.evil.example", "128.0.0.1", "127.0.0.256", "10.0.0.1:8080", "[::2]", "[2001:db8::1]", "[fe80::1]:8080", "[::1]x", "[::1]:",
            "localhost:", "localhost:80:80", "localhost..", "0.0.0.0"})
    void shouldRefuseEveryOtherName(String host) {
        assertThat(LoopbackHost.named(host)).isFalse();
    }

    @Test
    void shouldRefuseNoHostAtAll() {
        assertThat(LoopbackHost.named(null)).isFalse();
    }
}
