package dev.tocsin.haproxy.internal;

import dev.tocsin.core.MetricInterest;
import dev.tocsin.haproxy.internal.csv.FamilySamples;
import dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper;
import dev.tocsin.haproxy.internal.csv.MappingOptions;
import dev.tocsin.haproxy.internal.csv.ScrapeResult;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scrape maps for an interest when it may skip the server metrics wanted only on demand: those are left out of
 * the mapping and looked up later ({@link ServerRowLookup}) from the fields the mapper keeps of each server row.
 * Immutable.
 *
 * @param interest the interest asked for
 * @param mapped what the mapper maps in each scrape
 * @param deferred the server metrics skipped and looked up on demand (empty: nothing is skipped)
 */
public record DeferredPlan(MetricInterest interest, MetricInterest mapped, Set<String> deferred) {

    /**
     * Checks the arguments and copies the set.
     *
     * @throws NullPointerException if an argument is null
     */
    public DeferredPlan {
        Objects.requireNonNull(interest, "interest");
        Objects.requireNonNull(mapped, "mapped");
        deferred = Set.copyOf(deferred);
    }

    /**
     * Returns the plan for an interest: with {@code defer}, its on-demand names that only server rows produce are
     * skipped; otherwise everything wanted is mapped.
     *
     * @param interest the interest asked for
     * @param defer whether the caller can offer the look-up of skipped metrics
     * @return the plan
     */
    public static DeferredPlan of(MetricInterest interest, boolean defer) {
        Set<String> deferred = new TreeSet<>();
        if (defer) {
            for (String n : interest.onDemandNames()) {
                if (HaproxyCsvMapper.serverOnlyFamily(n)) {
                    deferred.add(n);
                }
            }
        }
        if (deferred.isEmpty()) {
            return new DeferredPlan(interest, interest, Set.of());
        }
        Set<String> every = new TreeSet<>(interest.names());
        every.removeAll(deferred);
        return new DeferredPlan(interest, MetricInterest.of(every), deferred);
    }

    /**
     * Returns {@code samples} offering the look-up of the skipped metrics from {@code result}'s kept server rows
     * (unchanged when nothing was skipped).
     *
     * @param samples the scrape's samples (possibly with a source's own after them)
     * @param result the scrape, mapped with {@link #mapped} and {@link #deferred} kept
     * @param options the mapper's options
     * @return {@code samples}, with the look-up when metrics were skipped
     * @throws IllegalStateException if metrics were skipped but the scrape kept no server rows
     */
    public FamilySamples offer(FamilySamples samples, ScrapeResult result, MappingOptions options) {
        if (deferred.isEmpty()) {
            return samples;
        }
        if (result.serverRows() == null) {
            throw new IllegalStateException("skipped " + deferred + " but kept no server rows to look them up");
        }
        return samples.withOnDemand(new ServerRowLookup(result.serverRows(), deferred, options));
    }
}
