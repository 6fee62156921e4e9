package dev.tocsin.haproxy.internal;

import dev.tocsin.haproxy.internal.csv.ScrapeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logs skipped CSV rows at warn once per distinct reason (the same malformed row every 5 s would flood the log);
 * repeats go to debug. Remembers at most {@value #MAX_REMEMBERED} reasons (least recently seen forgotten first).
 */
public final class SkippedRowLog {

    static final int MAX_REMEMBERED = 256;
    private static final Logger LOG = LoggerFactory.getLogger("dev.tocsin.haproxy.HaproxySource");

    private final String target;
    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** Creates a log for one source. */
    public SkippedRowLog(String target) {
        this.target = target;
    }

    /**
     * Logs the skipped rows of one scrape.
     *
     * @return how many were logged at warn (new reasons)
     */
    public synchronized int log(List<ScrapeResult.SkippedRow> rows) {
        int warned = 0;
        for (ScrapeResult.SkippedRow row : rows) {
            if (seen.put(row.reason(), Boolean.TRUE) == null) {
                warned++;
                LOG.warn("HAProxy CSV from {}: skipped line {}: {} (further rows with this problem are logged at "
                        + "debug)", target, row.line(), row.reason());
            } else {
                LOG.debug("HAProxy CSV from {}: skipped line {}: {}", target, row.line(), row.reason());
            }
        }
        return warned;
    }
}
