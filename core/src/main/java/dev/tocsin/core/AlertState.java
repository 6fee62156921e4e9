package dev.tocsin.core;

/** The states of an alert, as in Prometheus (RESOLVED is Prometheus's "inactive" after having fired). */
public enum AlertState {
    /** The condition holds but its {@code for} duration has not elapsed yet. */
    PENDING,
    /** The condition has held for its {@code for} duration (or is kept firing by {@code keep_firing_for}). */
    FIRING,
    /** The alert fired and its condition no longer holds; kept 15 minutes so it can be re-sent as resolved. */
    RESOLVED
}
