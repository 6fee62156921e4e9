package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.haproxy.StatusMapping;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The status-string tables of docs/haproxy-metrics.md, both modes, and the one-hot states. */
class StatusRulesTest {

    @ParameterizedTest(name = "''{0}'' strict={1} fixed={2} state={3}")
    @CsvSource(delimiter = '|', value = {
        "UP                 | 1 | 1 | UP",
        "OPEN               | 1 | 1 | ",
        "no check           | 1 | 1 | UP",
        "DRAIN              | 1 | 1 | DRAIN",
        "UP 1/3             | 1 | 1 | UP",
        "UP 2/3             | 1 | 1 | UP",
        "UP 1/2             | 0 | 1 | UP",
        "UP 4/5             | 0 | 1 | UP",
        "UP (2/4)           | 0 | 1 | UP",
        "UP (UNPUB)         | 0 | 1 | UP",
        "UP (0/0)           | 0 | 1 | UP",
        "DOWN               | 0 | 0 | DOWN",
        "DOWN 1/2           | 0 | 0 | DOWN",
        "DOWN (agent)       | 0 | 0 | DOWN",
        "DOWN (0/1)         | 0 | 0 | DOWN",
        "NOLB               | 0 | 0 | NOLB",
        "NOLB 1/3           | 0 | 0 | NOLB",
        "DRAIN 1/3          | 0 | 1 | DRAIN",
        "DRAIN (agent)      | 0 | 1 | DRAIN",
        "MAINT              | 0 | 0 | MAINT",
        "MAINT (via b/s)    | 0 | 0 | MAINT",
        "MAINT (resolution) | 0 | 0 | MAINT",
        "STOP               | 0 | 0 | ",
        "UPX                | 0 | 0 | ",
        "UP now             | 0 | 0 | ",
        "up                 | 0 | 0 | ",
        "''                 | 0 | 0 | ",
    })
    void statusTable(String status, int strict, int fixed, String state) {
        assertThat(StatusRules.up(StatusMapping.EXPORTER_STRICT, status)).isEqualTo(strict);
        assertThat(StatusRules.up(StatusMapping.FIXED, status)).isEqualTo(fixed);
        int expectedState = state == null ? StatusRules.NO_STATE : Columns.STATES.indexOf(state);
        assertThat(StatusRules.state(status)).isEqualTo(expectedState);
    }
}
