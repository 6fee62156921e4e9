package dev.tocsin.benchmarks.core;

import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Rule;
import dev.tocsin.core.Sample;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the synthetic workload of the core benchmarks: series shaped like HAProxy server metrics spread over 20
 * metric families, and 100 selector-comparison rules of the four matcher kinds.
 */
public final class SyntheticSeries {

    /** Number of metric families. */
    public static final int FAMILIES = 20;
    /** Servers per backend. */
    public static final int SERVERS = 10;

    private SyntheticSeries() {
    }

    /** Returns {@code count} series; values are 1 so that no rule matches (steady state, no alerts active). */
    public static List<Sample> series(int count) {
        List<Sample> out = new ArrayList<>(count);
        int perFamily = Math.max(1, count / FAMILIES);
        int backends = Math.max(1, perFamily / SERVERS);
        String[] backendNames = new String[backends];
        for (int b = 0; b < backends; b++) {
            backendNames[b] = "be_" + b;
        }
        String[] serverNames = new String[SERVERS];
        for (int s = 0; s < SERVERS; s++) {
            serverNames[s] = "s" + s;
        }
        for (int f = 0; f < FAMILIES && out.size() < count; f++) {
            String metric = "haproxy_server_metric_" + f;
            for (int b = 0; b < backends && out.size() < count; b++) {
                for (int s = 0; s < SERVERS && out.size() < count; s++) {
                    out.add(new Sample(Labels.of("__name__", metric, "backend", backendNames[b],
                            "server", serverNames[s]), 1));
                }
            }
        }
        return out;
    }

    /** Returns 100 rules: each selects one family with one of the four matcher kinds and compares with a number. */
    public static List<Rule> rules() {
        String[] matchers = {"{backend!=\"be_none\"}", "{server=\"s3\"}", "{server=~\"s[0-4]\"}",
                "{backend!~\"be_1.*\"}"};
        String[] comparisons = {"== 0", "> 1e9", "< 0", "!= 1"};
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String expr = "haproxy_server_metric_" + (i % FAMILIES) + matchers[i % 4] + " " + comparisons[(i / 4) % 4];
            rules.add(Rule.alert("Rule" + i).expr(expr).label("severity", "warning")
                    .annotation("summary", "{{ $labels.backend }}/{{ $labels.server }} is {{ $value }}").build());
        }
        return rules;
    }

    /** A source returning a fixed list, as a host's already-collected metrics. */
    public static MetricSource source(List<Sample> samples) {
        return new MetricSource() {
            @Override
            public String instance() {
                return "lb1:8404";
            }

            @Override
            public String job() {
                return "haproxy";
            }

            @Override
            public List<Sample> collect() {
                return samples;
            }
        };
    }

    /** Returns an evaluator over {@code count} series and the 100 rules. */
    public static Evaluator evaluator(List<Sample> samples) {
        return Evaluator.builder().source(source(samples)).rules(rules()).build();
    }
}
