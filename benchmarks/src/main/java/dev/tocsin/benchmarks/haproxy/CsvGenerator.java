package dev.tocsin.benchmarks.haproxy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates a realistic HAProxy 2.6 CSV (the 129 columns of a real HAProxy 2.6.12 {@code /stats;csv}): one
 * frontend per 10 backends, {@code backends} backends of {@code serversPerBackend} servers each, server and backend
 * rows built from real rows with counters of realistic magnitude and a mix of states (mostly UP; some DOWN with
 * L4CON, MAINT, DRAIN, UP 1/3).
 */
public final class CsvGenerator {

    /** The header line of HAProxy 2.6.12. */
    static final String HEADER = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,statu"
            + "s,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rat"
            + "e,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_"
            + "5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,co"
            + "mp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,che"
            + "ck_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie"
            + ",mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,c"
            + "ache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur"
            + ",used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ss"
            + "l_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_str"
            + "eam_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_str"
            + "eam_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_"
            + "total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,"
            + "h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,";
    private static final String SERVER = "app,s_up,0,0,0,1,,3,246,2988,,0,,0,0,0,0,UP,1,1,0,0,0,18,0,,1,5,1,,3,,2,0,,1,L4OK,,0,0,3,0,0,0,0,,,,"
            + "3,0,0,,,,,4,,,0,1,1,2,,,,Layer4 check passed,,2,2,3,,,,,,http,,,,,,,,0,3,0,,,0,,0,2,1,3,0,0,0,0,1,1,"
            + ",,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,";
    private static final String BACKEND = "app,BACKEND,0,0,0,1,998,6,492,3639,0,0,,3,0,9,0,UP,2,2,1,,0,18,0,,1,5,0,,6,,1,0,,2,,,,0,3,0,0,3,0,,,"
            + ",6,0,0,0,0,0,0,4,,,0,1,1,1,,,,,,,,,,,,,,http,,,,,,,,0,15,0,0,0,,,0,2,1,3,0,,,,,2,0,0,0,-,0,0,0,0,0,0"
            + ",0,0,0,0,0,0,0,0,0,0,0,0,15,15,2991,237,0,0,";
    private static final String FRONTEND = "fe_main,FRONTEND,,,0,1,9979,6,492,3639,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,2,,,,0,3,0,0,3,0,,0,2,6"
            + ",,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,http,,0,2,6,0,0,0,0,,,0,0,,,,,,,0,,,,,,,,,-,0,0,0,0,0,0,0,0,0,0,0,0,0"
            + ",0,0,0,0,0,6,6,474,3705,0,0,";

    private static final List<String> COUNTERS = List.of("stot", "bin", "bout", "econ", "eresp", "wretr", "wredis",
            "chkfail", "chkdown", "downtime", "lbtot", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx",
            "hrsp_other", "req_tot", "cli_abrt", "srv_abrt", "connect", "reuse", "conn_tot", "lastchg", "qtime",
            "ctime", "rtime", "ttime", "qtime_max", "ctime_max", "rtime_max", "ttime_max", "check_duration",
            "scur", "smax", "rate", "rate_max", "h1_bytes_in", "h1_bytes_out", "h1_total_connections",
            "h1_total_streams");

    private CsvGenerator() {
    }

    /**
     * Returns the CSV bytes.
     *
     * @param backends number of backends
     * @param serversPerBackend servers per backend
     * @param variant changes every counter (same layout, different values) so that scrapes differ
     */
    public static byte[] generate(int backends, int serversPerBackend, int variant) {
        String[] names = HEADER.substring(2).split(",", -1);
        boolean[] counter = new boolean[names.length];
        for (int i = 0; i < names.length; i++) {
            counter[i] = COUNTERS.contains(names[i]);
        }
        int statusCol = Arrays.asList(names).indexOf("status");
        int checkCol = Arrays.asList(names).indexOf("check_status");
        int descCol = Arrays.asList(names).indexOf("check_desc");
        int lastChkCol = Arrays.asList(names).indexOf("last_chk");
        SplittableRandom rnd = new SplittableRandom(42);
        StringBuilder sb = new StringBuilder(backends * (serversPerBackend + 1) * 340 + 4096);
        sb.append(HEADER).append('\n');
        for (int b = 0; b < backends; b++) {
            String be = "be_" + String.format("%04d", b) + "_service";
            if (b % 10 == 0) {
                row(sb, FRONTEND, "fe_" + b, "FRONTEND", counter, rnd, variant, -1, null, null, null, -1, -1, -1);
            }
            for (int s = 0; s < serversPerBackend; s++) {
                int pick = rnd.nextInt(100);
                String status = pick < 90 ? "UP" : pick < 94 ? "DOWN" : pick < 96 ? "MAINT" : pick < 98 ? "UP 1/3"
                        : "DRAIN";
                String check = status.equals("DOWN") ? "L4CON" : status.equals("MAINT") ? "" : "L4OK";
                String desc = check.equals("L4CON") ? "Layer4 connection problem"
                        : check.isEmpty() ? "" : "Layer4 check passed";
                String lastChk = check.equals("L4CON") ? "Connection refused" : "";
                row(sb, SERVER, be, "srv" + s + "-10-0-" + (b % 250) + "-" + s, counter, rnd, variant, statusCol,
                        status, check + "\u0000" + desc, lastChk, checkCol, descCol, lastChkCol);
            }
            row(sb, BACKEND, be, "BACKEND", counter, rnd, variant, -1, null, null, null, -1, -1, -1);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder sb, String template, String px, String sv, boolean[] counter,
                            SplittableRandom rnd, int variant, int statusCol, String status, String checkAndDesc,
                            String lastChk, int checkCol, int descCol, int lastChkCol) {
        String[] f = template.split(",", -1);
        f[0] = px;
        f[1] = sv;
        for (int i = 2; i < f.length && i < counter.length; i++) {
            if (counter[i] && !f[i].isEmpty()) {
                long magnitude = (long) Math.pow(10, 1 + rnd.nextInt(9));
                f[i] = Long.toString(rnd.nextLong(magnitude) + variant);
            }
        }
        if (statusCol >= 0) {
            f[statusCol] = status;
            int z = checkAndDesc.indexOf('\u0000');
            f[checkCol] = checkAndDesc.substring(0, z);
            f[descCol] = checkAndDesc.substring(z + 1);
            f[lastChkCol] = lastChk;
        }
        sb.append(String.join(",", f)).append('\n');
    }
}
