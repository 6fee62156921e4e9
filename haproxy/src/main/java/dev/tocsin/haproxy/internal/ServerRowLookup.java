package dev.tocsin.haproxy.internal;

import dev.tocsin.core.Labels;
import dev.tocsin.core.MetricInterest;
import dev.tocsin.core.Sample;
import dev.tocsin.core.internal.OnDemandSeries;
import dev.tocsin.core.internal.WantedLabels;
import dev.tocsin.haproxy.internal.csv.HaproxyCsvMapper;
import dev.tocsin.haproxy.internal.csv.MappingOptions;
import dev.tocsin.haproxy.internal.csv.ScrapeResult;
import dev.tocsin.haproxy.internal.csv.ServerRows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The server metrics one scrape skipped because rules want them only on demand: looked up by mapping again, with a
 * new mapper of the same options (no mapper state is shared between look-ups), the kept fields of the rows of the
 * backend asked for (a few rows, not the ~10,000 of a large HAProxy), or of every server row when no backend is
 * named. The samples of up to {@value #CACHED_BACKENDS} backends are kept for later look-ups of the same scrape.
 * Answers for one scrape only; thread-safe. A value that is not a number in a column only these metrics read gives no
 * sample, as in a full mapping, but is not counted in {@code haproxy_exporter_csv_parse_failures_total} (the scrape
 * did not parse it).
 */
public final class ServerRowLookup implements OnDemandSeries {

    /** How many backends' mapped rows are kept per scrape (alerts of the same evaluation ask again); not all rows. */
    static final int CACHED_BACKENDS = 64;

    private final ServerRows rows;
    private final Set<String> names;
    private final MetricInterest interest;
    private final MappingOptions options;
    private final Labels target;
    /** Mapped samples by backend, least recently used first; guarded by itself. */
    private final Map<String, List<Sample>> mapped = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Sample>> eldest) {
            return size() > CACHED_BACKENDS;
        }
    };

    /**
     * Creates the look-up of one scrape.
     *
     * @param rows the scrape's server rows
     * @param names the server metrics the scrape skipped (each {@link HaproxyCsvMapper#serverOnlyFamily})
     * @param options the options of the scrape's mapper (its target labels are on every sample)
     */
    public ServerRowLookup(ServerRows rows, Set<String> names, MappingOptions options) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.names = Set.copyOf(names);
        this.interest = MetricInterest.of(this.names);
        this.options = Objects.requireNonNull(options, "options");
        this.target = options.targetLabels();
    }

    @Override
    public Set<String> names() {
        return names;
    }

    @Override
    public List<Sample> lookup(String metricName, Map<String, String> labels) {
        if (!names.contains(metricName)) {
            return List.of();
        }
        for (int i = 0; i < target.size(); i++) {
            String wanted = labels.get(target.name(i));
            if (wanted != null && !wanted.equals(target.value(i))) {
                return List.of(); // another source's series
            }
        }
        String backend = labels.get("backend");
        List<Sample> samples = samples(backend);
        List<Sample> out = new ArrayList<>();
        WantedLabels wanted = WantedLabels.of(labels);
        for (Sample s : samples) {
            if (s.labels().metricName().equals(metricName) && wanted.test(s.labels())) {
                out.add(s);
            }
        }
        return out;
    }

    /** The skipped metrics' samples of one backend's rows (every row when {@code backend} is null). */
    private List<Sample> samples(String backend) {
        synchronized (mapped) {
            List<Sample> known = mapped.get(backend);
            if (known != null) {
                return known;
            }
        }
        byte[] doc;
        if (backend == null) {
            doc = rows.document();
        } else {
            int[] these = rows.rowsOf(backend);
            if (these.length == 0) {
                return List.of();
            }
            doc = rows.document(these);
        }
        ScrapeResult r = new HaproxyCsvMapper(options).map(doc, doc.length, interest, false, Set.of());
        List<Sample> samples = List.copyOf(r.samples());
        if (backend != null) {
            // every row's samples are asked for at most once per evaluation (the evaluator keeps them): not kept
            synchronized (mapped) {
                mapped.put(backend, samples);
            }
        }
        return samples;
    }

    @Override
    public String toString() {
        return "ServerRowLookup[" + rows.size() + " server rows, " + names + "]";
    }
}
