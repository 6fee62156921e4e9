package dev.tocsin.haproxy.internal.csv;

/**
 * What one server row says about the server's health, for explaining a down backend.
 *
 * @param backend the backend (pxname)
 * @param server the server (svname)
 * @param status the status column as printed, e.g. {@code DOWN}, {@code MAINT (via b/s)}; "" when absent
 * @param checkStatus the check_status column without HAProxy's {@code "* "} in-progress prefix, e.g. {@code L4CON};
 *     "" when absent
 * @param checkDescription the check_desc column, e.g. {@code Layer4 connection problem}; "" when absent
 * @param lastCheck the last_chk column (truncated to {@value HaproxyCsvMapper#MAX_LABEL_LENGTH} characters);
 *     "" when absent
 * @param lastChangeSeconds the lastchg column (seconds since the last UP/DOWN transition), or -1 when absent
 */
public record ServerState(String backend, String server, String status, String checkStatus,
                          String checkDescription, String lastCheck, long lastChangeSeconds) {

    /** Returns whether the status is one of the maintenance states ({@code MAINT}, {@code MAINT (...)}). */
    public boolean inMaintenance() {
        return StatusRules.state(status) == StatusRules.MAINT;
    }

    /** Returns whether the status is one of the down states ({@code DOWN}, {@code DOWN n/m}, {@code DOWN (agent)}). */
    public boolean down() {
        return StatusRules.state(status) == StatusRules.DOWN;
    }
}
