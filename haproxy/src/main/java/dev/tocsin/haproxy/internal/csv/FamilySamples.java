package dev.tocsin.haproxy.internal.csv;

import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.OnDemandSeries;
import dev.tocsin.core.internal.SampleFamilies;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;

/**
 * The samples of one scrape in the order the mapper produced them (row by row), each tagged with its metric family,
 * optionally followed by a few more samples (a source's own counters): a read-only list that can also hand the
 * samples over grouped by family ({@link SampleFamilies}), sorted by their tags without looking at the samples.
 */
public final class FamilySamples extends AbstractList<Sample> implements SampleFamilies, RandomAccess {

    private final SampleChunks rows;
    private final String[] familyNames;
    private final Set<String> carried;
    private final boolean trusted;
    private final List<Sample> others;
    /** The series skipped by the scrape and looked up on demand, or null. */
    private final OnDemandSeries onDemand;
    /** The samples of each family present, by the mapper's tag order; built on first use, shared with copies. */
    private final Grouping grouping;

    /** The samples by family, computed once (a counting sort of the tags). */
    private static final class Grouping {
        private String[] names;
        private Sample[][] families;

        synchronized void build(SampleChunks rows, String[] familyNames) {
            if (names != null) {
                return;
            }
            Sample[][] byTag = rows.groupByTag(familyNames.length);
            int present = 0;
            for (Sample[] f : byTag) {
                present += f != null ? 1 : 0;
            }
            String[] n = new String[present];
            Sample[][] f = new Sample[present][];
            for (int t = 0, k = 0; t < byTag.length; t++) {
                if (byTag[t] != null) {
                    n[k] = familyNames[t];
                    f[k++] = byTag[t];
                }
            }
            families = f;
            names = n;
        }
    }

    /**
     * Creates the list.
     *
     * @param rows the samples, each tagged with the index of its metric in {@code familyNames} (not copied: must not
     *     change afterwards)
     * @param familyNames the metric name of each tag
     * @param carried the names of labels every sample carries
     * @param trusted whether every sample is named as its tag says (false when a target label overrides the metric
     *     name): the families are then not offered, only the flat list
     * @param others samples after the mapper's (copied)
     */
    FamilySamples(SampleChunks rows, String[] familyNames, Set<String> carried, boolean trusted,
                  List<Sample> others) {
        this(rows, familyNames, Set.copyOf(carried), trusted, List.copyOf(others), new Grouping(), null);
    }

    private FamilySamples(SampleChunks rows, String[] familyNames, Set<String> carried, boolean trusted,
                          List<Sample> others, Grouping grouping, OnDemandSeries onDemand) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.familyNames = familyNames;
        this.carried = carried;
        this.trusted = trusted;
        this.others = others;
        this.grouping = grouping;
        this.onDemand = onDemand;
    }

    /**
     * Returns the same mapper samples followed by {@code more} samples (instead of this list's others).
     *
     * @param more the samples to add after the mapper's
     * @return a new list sharing this one's samples and grouping
     */
    public FamilySamples withOthers(List<Sample> more) {
        return new FamilySamples(rows, familyNames, carried, trusted, List.copyOf(more), grouping, onDemand);
    }

    /**
     * Returns the same samples, offering {@code lookup} for the series the scrape skipped (see
     * {@link SampleFamilies#onDemand()}); only when the families are offered (else the look-up is dropped).
     *
     * @param lookup the look-up of the skipped series
     * @return a new list sharing this one's samples and grouping
     */
    public FamilySamples withOnDemand(OnDemandSeries lookup) {
        return new FamilySamples(rows, familyNames, carried, trusted, others, grouping, lookup);
    }

    @Override
    public OnDemandSeries onDemand() {
        return trusted ? onDemand : null;
    }

    @Override
    public Sample get(int index) {
        int n = rows.size();
        if (index >= 0 && index < n) {
            return rows.get(index);
        }
        if (index < n || index - n >= others.size()) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size());
        }
        return others.get(index - n);
    }

    @Override
    public int size() {
        return rows.size() + others.size();
    }

    @Override
    public Set<String> carriedLabelNames() {
        return trusted ? carried : Set.of();
    }

    @Override
    public int familyCount() {
        if (!trusted) {
            return 0;
        }
        grouping.build(rows, familyNames);
        return grouping.names.length;
    }

    @Override
    public String familyName(int index) {
        Objects.checkIndex(index, familyCount());
        return grouping.names[index];
    }

    @Override
    public List<Sample> family(int index) {
        Objects.checkIndex(index, familyCount());
        return Collections.unmodifiableList(Arrays.asList(grouping.families[index]));
    }

    /** Returns the family's own array (not a copy): it is never changed once the families are grouped. */
    @Override
    public Sample[] familyArray(int index) {
        Objects.checkIndex(index, familyCount());
        return grouping.families[index];
    }

    @Override
    public List<Sample> others() {
        return trusted ? others : this;
    }
}
