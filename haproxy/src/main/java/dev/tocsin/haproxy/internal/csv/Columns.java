package dev.tocsin.haproxy.internal.csv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The CSV columns the mapper knows and the metric each one becomes (the haproxy_exporter v1 tables plus extras). */
final class Columns {

    /** Column names in HAProxy's stable order (index = the column number the exporter's options used). */
    static final List<String> CANONICAL = List.of(
            "pxname", "svname", "qcur", "qmax", "scur", "smax", "slim", "stot", "bin", "bout",
            "dreq", "dresp", "ereq", "econ", "eresp", "wretr", "wredis", "status", "weight", "act",
            "bck", "chkfail", "chkdown", "lastchg", "downtime", "qlimit", "pid", "iid", "sid", "throttle",
            "lbtot", "tracked", "type", "rate", "rate_lim", "rate_max", "check_status", "check_code",
            "check_duration", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other",
            "hanafail", "req_rate", "req_rate_max", "req_tot", "cli_abrt", "srv_abrt", "comp_in", "comp_out",
            "comp_byp", "comp_rsp", "lastsess", "last_chk", "last_agt", "qtime", "ctime", "rtime", "ttime",
            "agent_status", "agent_code", "agent_duration", "check_desc", "agent_desc", "check_rise",
            "check_fall", "check_health", "agent_rise", "agent_fall", "agent_health", "addr", "cookie", "mode",
            "algo", "conn_rate", "conn_rate_max", "conn_tot", "intercepted", "dcon", "dses", "wrew", "connect",
            "reuse", "cache_lookups", "cache_hits", "srv_icur", "src_ilim", "qtime_max", "ctime_max",
            "rtime_max", "ttime_max", "eint", "idle_conn_cur", "safe_conn_cur", "used_conn_cur",
            "need_conn_est", "uweight");

    /** Row types. */
    static final int FRONTEND = 0;
    static final int BACKEND = 1;
    static final int SERVER = 2;

    /** How a slot's value is computed. */
    enum Kind {
        /** An integer column. */
        INT,
        /** A millisecond column exported in seconds. */
        MS,
        /** The status column mapped to 0/1 by the {@link dev.tocsin.haproxy.StatusMapping}. */
        UP,
        /** The status column one-hot over a state (the {@code state} label value). */
        STATE,
        /** {@code haproxy_server_check_status}: 1, labels from check_status/check_desc/check_code. */
        CHECK_STATUS,
        /** {@code haproxy_server_check_info}: 1, label last_chk. */
        CHECK_INFO,
        /** {@code haproxy_server_status_info}: 1, label status, for a status with a reason ({@code DOWN (agent)}). */
        STATUS_INFO,
        /** Backend aggregate: number of server rows. */
        AGG_TOTAL,
        /** Backend aggregate: number of server rows in a state. */
        AGG_STATE,
        /** Backend aggregate: number of server rows in {@code MAINT (resolution)}. */
        AGG_UNRESOLVED
    }

    /** The one-hot states, in the order of {@link StatusRules#state}. */
    static final List<String> STATES = List.of("UP", "DOWN", "MAINT", "DRAIN", "NOLB");

    /**
     * One output series per row.
     *
     * @param metric metric name
     * @param column CSV column read, or "" for aggregates
     * @param kind how the value is computed
     * @param labelName extra fixed label name, or ""
     * @param labelValue extra fixed label value, or ""
     * @param exporter whether this is a haproxy_exporter v1 metric (subject to server-metric-fields)
     */
    record Slot(String metric, String column, Kind kind, String labelName, String labelValue, boolean exporter) {
    }

    static final List<Slot> FRONTEND_SLOTS;
    static final List<Slot> BACKEND_SLOTS;
    static final List<Slot> SERVER_SLOTS;

    static {
        List<Slot> s = new ArrayList<>();
        String p = "haproxy_server_";
        ex(s, p, "qcur", "current_queue");
        ex(s, p, "qmax", "max_queue");
        ex(s, p, "scur", "current_sessions");
        ex(s, p, "smax", "max_sessions");
        ex(s, p, "slim", "limit_sessions");
        ex(s, p, "stot", "sessions_total");
        ex(s, p, "bin", "bytes_in_total");
        ex(s, p, "bout", "bytes_out_total");
        ex(s, p, "econ", "connection_errors_total");
        ex(s, p, "eresp", "response_errors_total");
        ex(s, p, "wretr", "retry_warnings_total");
        ex(s, p, "wredis", "redispatch_warnings_total");
        s.add(new Slot(p + "up", "status", Kind.UP, "", "", true));
        ex(s, p, "weight", "weight");
        ex(s, p, "chkfail", "check_failures_total");
        ex(s, p, "downtime", "downtime_seconds_total");
        ex(s, p, "lbtot", "server_selected_total");
        ex(s, p, "rate", "current_session_rate");
        ex(s, p, "rate_max", "max_session_rate");
        s.add(new Slot(p + "check_duration_seconds", "check_duration", Kind.MS, "", "", true));
        http(s, p);
        ex(s, p, "cli_abrt", "client_aborts_total");
        ex(s, p, "srv_abrt", "server_aborts_total");
        times(s, p);
        // extras
        for (String st : STATES) {
            s.add(new Slot(p + "status", "status", Kind.STATE, "state", st, false));
        }
        s.add(new Slot(p + "check_status", "check_status", Kind.CHECK_STATUS, "", "", false));
        s.add(new Slot(p + "check_info", "last_chk", Kind.CHECK_INFO, "", "", false));
        s.add(new Slot(p + "status_info", "status", Kind.STATUS_INFO, "", "", false));
        s.add(new Slot(p + "last_change_seconds", "lastchg", Kind.INT, "", "", false));
        SERVER_SLOTS = Collections.unmodifiableList(s);

        s = new ArrayList<>();
        p = "haproxy_frontend_";
        ex(s, p, "scur", "current_sessions");
        ex(s, p, "smax", "max_sessions");
        ex(s, p, "slim", "limit_sessions");
        ex(s, p, "stot", "sessions_total");
        ex(s, p, "bin", "bytes_in_total");
        ex(s, p, "bout", "bytes_out_total");
        ex(s, p, "dreq", "requests_denied_total");
        ex(s, p, "ereq", "request_errors_total");
        ex(s, p, "rate", "current_session_rate");
        ex(s, p, "rate_lim", "limit_session_rate");
        ex(s, p, "rate_max", "max_session_rate");
        http(s, p);
        ex(s, p, "req_tot", "http_requests_total");
        comp(s, p);
        ex(s, p, "conn_tot", "connections_total");
        FRONTEND_SLOTS = Collections.unmodifiableList(s);

        s = new ArrayList<>();
        p = "haproxy_backend_";
        ex(s, p, "qcur", "current_queue");
        ex(s, p, "qmax", "max_queue");
        ex(s, p, "scur", "current_sessions");
        ex(s, p, "smax", "max_sessions");
        ex(s, p, "slim", "limit_sessions");
        ex(s, p, "stot", "sessions_total");
        ex(s, p, "bin", "bytes_in_total");
        ex(s, p, "bout", "bytes_out_total");
        ex(s, p, "econ", "connection_errors_total");
        ex(s, p, "eresp", "response_errors_total");
        ex(s, p, "wretr", "retry_warnings_total");
        ex(s, p, "wredis", "redispatch_warnings_total");
        s.add(new Slot(p + "up", "status", Kind.UP, "", "", true));
        ex(s, p, "weight", "weight");
        ex(s, p, "act", "current_server");
        ex(s, p, "lbtot", "server_selected_total");
        ex(s, p, "rate", "current_session_rate");
        ex(s, p, "rate_max", "max_session_rate");
        http(s, p);
        ex(s, p, "cli_abrt", "client_aborts_total");
        ex(s, p, "srv_abrt", "server_aborts_total");
        comp(s, p);
        times(s, p);
        // extras
        for (String st : STATES) {
            s.add(new Slot(p + "status", "status", Kind.STATE, "state", st, false));
        }
        s.add(new Slot(p + "last_change_seconds", "lastchg", Kind.INT, "", "", false));
        s.add(new Slot(p + "servers_total", "", Kind.AGG_TOTAL, "", "", false));
        for (String st : STATES) {
            s.add(new Slot(p + "servers", "", Kind.AGG_STATE, "state", st, false));
        }
        s.add(new Slot(p + "servers_unresolved", "", Kind.AGG_UNRESOLVED, "", "", false));
        BACKEND_SLOTS = Collections.unmodifiableList(s);
    }

    private Columns() {
    }

    private static void ex(List<Slot> s, String prefix, String column, String suffix) {
        s.add(new Slot(prefix + suffix, column, Kind.INT, "", "", true));
    }

    private static void http(List<Slot> s, String p) {
        String[] codes = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
        for (String c : codes) {
            s.add(new Slot(p + "http_responses_total", "hrsp_" + c, Kind.INT, "code", c, true));
        }
    }

    private static void comp(List<Slot> s, String p) {
        ex(s, p, "comp_in", "compressor_bytes_in_total");
        ex(s, p, "comp_out", "compressor_bytes_out_total");
        ex(s, p, "comp_byp", "compressor_bytes_bypassed_total");
        ex(s, p, "comp_rsp", "http_responses_compressed_total");
    }

    private static void times(List<Slot> s, String p) {
        s.add(new Slot(p + "http_queue_time_average_seconds", "qtime", Kind.MS, "", "", true));
        s.add(new Slot(p + "http_connect_time_average_seconds", "ctime", Kind.MS, "", "", true));
        s.add(new Slot(p + "http_response_time_average_seconds", "rtime", Kind.MS, "", "", true));
        s.add(new Slot(p + "http_total_time_average_seconds", "ttime", Kind.MS, "", "", true));
    }

    static List<Slot> slots(int type) {
        switch (type) {
            case FRONTEND: return FRONTEND_SLOTS;
            case BACKEND: return BACKEND_SLOTS;
            default: return SERVER_SLOTS;
        }
    }
}
