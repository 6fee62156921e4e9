package dev.tocsin.examples.cli;

import dev.tocsin.core.Sample;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CheckInventoryTest {

    @Test
    void groupsServersUnderTheirBackendWithStateAndCheck() {
        Map<String, CheckCommand.Backend> inv = CheckCommand.inventory(List.of(
                Sample.of("haproxy_backend_up", 0, "backend", "app"),
                Sample.of("haproxy_server_up", 0, "backend", "app", "server", "s1"),
                Sample.of("haproxy_server_status", 1, "backend", "app", "server", "s1", "state", "MAINT"),
                Sample.of("haproxy_server_status", 0, "backend", "app", "server", "s1", "state", "UP"),
                Sample.of("haproxy_server_up", 1, "backend", "app", "server", "s2"),
                Sample.of("haproxy_server_check_status", 1, "backend", "app", "server", "s2",
                        "check_status", "L7OK", "check_desc", "Layer7 check passed"),
                Sample.of("haproxy_server_check_info", 1, "backend", "app", "server", "s2", "last_chk", "HTTP 200"),
                Sample.of("haproxy_backend_up", 1, "backend", "stats"),
                Sample.of("haproxy_frontend_current_sessions", 3, "frontend", "web")));

        assertThat(inv).containsOnlyKeys("app", "stats");
        CheckCommand.Backend app = inv.get("app");
        assertThat(app.up).isEqualTo(0);
        assertThat(app.serversUp()).isEqualTo(1);
        assertThat(app.servers.get("s1").describe()).isEqualTo("MAINT");
        assertThat(app.servers.get("s2").describe()).isEqualTo("UP, check L7OK (Layer7 check passed: HTTP 200)");
        assertThat(inv.get("stats").servers).isEmpty();
    }

    @Test
    void aDrainedServerIsNotCountedUpThoughItsUpSeriesIsOne() {
        // HAProxy puts a backend whose only server drains DOWN; the count agrees with the alert's servers_up context
        Map<String, CheckCommand.Backend> inv = CheckCommand.inventory(List.of(
                Sample.of("haproxy_backend_up", 0, "backend", "drained"),
                Sample.of("haproxy_server_up", 1, "backend", "drained", "server", "s1"),
                Sample.of("haproxy_server_status", 1, "backend", "drained", "server", "s1", "state", "DRAIN"),
                Sample.of("haproxy_server_status", 0, "backend", "drained", "server", "s1", "state", "UP"),
                Sample.of("haproxy_server_up", 1, "backend", "drained", "server", "nocheck")));
        CheckCommand.Backend drained = inv.get("drained");
        assertThat(drained.servers.get("s1").describe()).isEqualTo("DRAIN");
        Map<String, CheckCommand.Backend> agent = CheckCommand.inventory(List.of(
                Sample.of("haproxy_server_status", 1, "backend", "b", "server", "s1", "state", "DOWN"),
                Sample.of("haproxy_server_status_info", 1, "backend", "b", "server", "s1", "status",
                        "DOWN (agent)")));
        assertThat(agent.get("b").servers.get("s1").describe()).isEqualTo("DOWN (agent)");
        assertThat(drained.serversUp()).as("s1 drains; a server without a status series counts by its up")
                .isEqualTo(1);
    }
}
