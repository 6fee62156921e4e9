package dev.tocsin.core.notify;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertState;
import dev.tocsin.core.Notification;
import dev.tocsin.core.Notifier;
import dev.tocsin.core.Runbook;
import dev.tocsin.core.internal.notify.Rfc3339;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Logs one readable line per transition (PENDING, FIRING, RESOLVED) through SLF4J. A FIRING line also carries the
 * {@code summary} annotation, the runbook's title and summary, its first diagnosis steps and the alert's
 * {@link Alert#context() context}, so that the log alone tells the on-call engineer where to start.
 *
 * <pre>
 * FIRING HaproxyBackendDown {alertname="HaproxyBackendDown", backend="app"} value=0 since 2026-11-25T18:00:00Z |
 *   summary: ... | runbook: HaproxyBackendDown - ... | diagnosis: 1. ... 2. ... | context: down_servers=...
 * </pre>
 * (one line; wrapped here). Runs synchronously on the evaluation thread and never throws.
 */
public final class LoggingNotifier implements Notifier {

    private final Logger logger;
    private final Map<AlertState, Level> levels;
    private final int diagnosisSteps;

    private LoggingNotifier(Builder b) {
        this.logger = LoggerFactory.getLogger(b.loggerName);
        this.levels = new EnumMap<>(b.levels);
        this.diagnosisSteps = b.diagnosisSteps;
    }

    /**
     * Returns a notifier with every default (logger {@code dev.tocsin.alerts}).
     *
     * @return the notifier
     */
    public static LoggingNotifier create() {
        return builder().build();
    }

    /**
     * Returns a new builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Logs every transition of this evaluation. Never throws. */
    @Override
    public void accept(Notification notification) {
        try {
            for (Alert a : notification.transitions()) {
                try {
                    Level level = levels.get(a.state());
                    if (logger.isEnabledForLevel(level)) {
                        logger.atLevel(level).log(format(a));
                    }
                } catch (RuntimeException e) {
                    logger.error("Cannot log transition of {}", a.ruleName(), e);
                }
            }
        } catch (RuntimeException e) {
            // Logging must never disturb evaluation.
            logger.error("Logging notifier failed", e);
        }
    }

    /** Nothing to flush. */
    @Override
    public void close() {
    }

    /** Returns the line logged for this transition. */
    String format(Alert a) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(a.state()).append(' ').append(a.ruleName()).append(' ').append(a.labels())
                .append(" value=").append(a.value());
        switch (a.state()) {
            case PENDING:
                sb.append(" active since ").append(Rfc3339.format(a.activeAt()));
                break;
            case FIRING:
                sb.append(" since ").append(Rfc3339.format(a.firedAt().orElse(a.activeAt())));
                break;
            default:
                a.resolvedAt().ifPresent(t -> sb.append(" at ").append(Rfc3339.format(t)));
                a.firedAt().ifPresent(t -> sb.append(" (fired ").append(Rfc3339.format(t)).append(')'));
        }
        String summary = a.annotations().get("summary");
        if (summary != null && !summary.isBlank()) {
            sb.append(" | summary: ").append(oneLine(summary));
        }
        if (a.state() == AlertState.FIRING) {
            if (a.runbook().isPresent()) {
                Runbook rb = a.runbook().get();
                sb.append(" | runbook: ").append(oneLine(rb.title()));
                if (!rb.summary().isBlank()) {
                    sb.append(" - ").append(oneLine(rb.summary()));
                }
                List<String> steps = rb.diagnosis();
                int n = Math.min(diagnosisSteps, steps.size());
                if (n > 0) {
                    sb.append(" | diagnosis:");
                    for (int i = 0; i < n; i++) {
                        sb.append(' ').append(i + 1).append(". ").append(oneLine(steps.get(i)));
                    }
                    if (n < steps.size()) {
                        sb.append(" (").append(steps.size() - n).append(" more)");
                    }
                }
                // without user info, as Runbook.toText(): credentials never reach a log
                rb.url().ifPresent(u -> sb.append(" | ").append(dev.tocsin.core.internal.Urls.withoutUserInfo(u)));
            }
            if (!a.context().isEmpty()) {
                sb.append(" | context:");
                a.context().forEach((k, v) -> sb.append(' ').append(oneLine(k)).append('=').append(oneLine(v)));
            }
        }
        // one line per transition whatever a rule name, label value or context key holds: a line break left (a
        // rule named "X\nRESOLVED Y", a label value with a carriage return) is written as an escape, never raw
        return escapeBreaks(sb.toString());
    }

    /** Writes every character a log viewer may take for a line break as an escape. */
    private static String escapeBreaks(String line) {
        StringBuilder sb = null;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            String escape = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\u000B' ? "\\v" : c == '\f' ? "\\f"
                    : c == '\u0085' ? "\\u0085" : c == '\u2028' ? "\\u2028" : c == '\u2029' ? "\\u2029" : null;
            if (escape != null && sb == null) {
                sb = new StringBuilder(line.length() + 16).append(line, 0, i);
            }
            if (sb != null) {
                if (escape != null) {
                    sb.append(escape);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? line : sb.toString();
    }

    private static String oneLine(String s) {
        return dev.tocsin.core.internal.LineBreaks.join(s);
    }

    @Override
    public String toString() {
        return "LoggingNotifier[" + logger.getName() + "]";
    }

    /**
     * Configures a {@link LoggingNotifier}. Defaults: logger {@code dev.tocsin.alerts}; PENDING at INFO, FIRING at
     * WARN, RESOLVED at INFO; the first 3 diagnosis steps.
     */
    public static final class Builder {
        private String loggerName = "dev.tocsin.alerts";
        private final Map<AlertState, Level> levels = new EnumMap<>(Map.of(
                AlertState.PENDING, Level.INFO, AlertState.FIRING, Level.WARN, AlertState.RESOLVED, Level.INFO));
        private int diagnosisSteps = 3;

        private Builder() {
        }

        /**
         * Sets the logger name (default {@code dev.tocsin.alerts}).
         *
         * @param loggerName the SLF4J logger name, not blank
         * @return this builder
         */
        public Builder loggerName(String loggerName) {
            Objects.requireNonNull(loggerName, "loggerName");
            if (loggerName.isBlank()) {
                throw new IllegalArgumentException("loggerName must not be blank");
            }
            this.loggerName = loggerName;
            return this;
        }

        /**
         * Sets the level of transitions to {@code state}.
         *
         * @param state the alert state
         * @param level the SLF4J level its transitions are logged at
         * @return this builder
         */
        public Builder level(AlertState state, Level level) {
            levels.put(Objects.requireNonNull(state, "state"), Objects.requireNonNull(level, "level"));
            return this;
        }

        /**
         * Sets how many runbook diagnosis steps a FIRING line shows (default 3; 0 for none).
         *
         * @param steps the number of steps, not negative
         * @return this builder
         */
        public Builder diagnosisSteps(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("diagnosisSteps must not be negative: " + steps);
            }
            this.diagnosisSteps = steps;
            return this;
        }

        /**
         * Returns the notifier.
         *
         * @return the notifier
         */
        public LoggingNotifier build() {
            return new LoggingNotifier(this);
        }
    }
}
