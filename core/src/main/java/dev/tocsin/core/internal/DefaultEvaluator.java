package dev.tocsin.core.internal;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertListener;
import dev.tocsin.core.Evaluator;
import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricSource;
import dev.tocsin.core.Notifier;
import dev.tocsin.core.Rule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** PLACEHOLDER evaluator, being written. */
public final class DefaultEvaluator implements Evaluator {

    /** Creates the evaluator from the builder's settings. */
    public DefaultEvaluator(List<MetricSource> sources, List<Rule> rules, List<AlertListener> listeners,
                            List<Notifier> notifiers, Duration interval, Clock clock,
                            ScheduledExecutorService executor, Labels externalLabels, String externalUrl,
                            boolean holdOnSourceFailure, Duration sourceStaleness) {
    }

    @Override
    public void start() {
    }

    @Override
    public List<Alert> evaluate(Instant now) {
        return List.of();
    }

    @Override
    public void addRule(Rule rule) {
    }

    @Override
    public boolean removeRule(String name) {
        return false;
    }

    @Override
    public List<Rule> rules() {
        return List.of();
    }

    @Override
    public List<Alert> alerts() {
        return List.of();
    }

    @Override
    public void close() {
    }
}
