package dev.tocsin.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Sample;
import dev.tocsin.core.testing.TestSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ForwardingMetricSourceTest {

    @Test
    void forwardsEveryCallIncludingTheInterest() throws Exception {
        TestSource base = new TestSource("lb1:8404", "haproxy", "haproxy_up").set(Sample.of("a", 1));
        List<MetricInterest> seen = new ArrayList<>();
        // a subclass that watches the interest it is handed, behind a plain forwarding source
        MetricSource watching = new ForwardingMetricSource(base) {
            @Override
            public List<Sample> collect(MetricInterest interest) throws Exception {
                seen.add(interest);
                return super.collect(interest);
            }
        };
        MetricSource forwarding = new ForwardingMetricSource(watching) {
        };
        assertThat(forwarding.instance()).isEqualTo("lb1:8404");
        assertThat(forwarding.job()).isEqualTo("haproxy");
        assertThat(forwarding.healthMetric()).isEqualTo("haproxy_up");
        assertThat(forwarding.toString()).isEqualTo(base.toString());
        MetricInterest interest = MetricInterest.of(Set.of("a"));
        assertThat(forwarding.collect(interest)).containsExactly(Sample.of("a", 1));
        assertThat(seen).containsExactly(interest);
        assertThat(forwarding.collect()).containsExactly(Sample.of("a", 1));
        assertThat(seen).as("collect() is not turned into collect(interest)").hasSize(1);
        assertThat(base.collects()).isEqualTo(2);
        base.fail(new IllegalStateException("down"));
        assertThatThrownBy(forwarding::collect).isInstanceOf(IllegalStateException.class).hasMessage("down");
        assertThatThrownBy(() -> new ForwardingMetricSource(null) {
        }).isInstanceOf(NullPointerException.class).hasMessageContaining("delegate");
    }
}
