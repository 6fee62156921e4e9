package dev.tocsin.core.testing;

import dev.tocsin.core.Alert;
import dev.tocsin.core.AlertListener;

import java.util.ArrayList;
import java.util.List;

/** Records every transition; thread-safe. */
public final class RecordingListener implements AlertListener {

    private final List<Alert> events = new ArrayList<>();

    @Override
    public synchronized void onTransition(Alert alert) {
        events.add(alert);
    }

    /** Returns a copy of the recorded transitions. */
    public synchronized List<Alert> events() {
        return new ArrayList<>(events);
    }

    /** Forgets the recorded transitions. */
    public synchronized void clear() {
        events.clear();
    }
}
