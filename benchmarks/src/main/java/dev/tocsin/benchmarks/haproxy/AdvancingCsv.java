package dev.tocsin.benchmarks.haproxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The {@link CsvGenerator} CSV as it evolves over time: {@link #step(long)} returns the document after {@code k}
 * scrape intervals, with every counter advanced by {@code k} times a per-row increment, so that {@code rate()} and
 * {@code increase()} see real traffic. Gauges get realistic fixed values. A few rows misbehave on purpose, so that
 * every rule of the haproxy_exporter v1 pack has something to do and some alerts are pending or firing as on a real
 * large HAProxy:
 * <ul>
 *   <li>servers of every 40th backend (from backend 7): 25% 5xx, plus response errors (5xx rate, response errors);</li>
 *   <li>servers of every 50th backend: 20% 4xx (the 4xx rules);</li>
 *   <li>servers in state {@code UP 1/3} (about 2%): a failed check per step (healthcheck failure);</li>
 *   <li>servers of every 333rd backend (from 11): 600 connection errors per step (server connection errors);</li>
 *   <li>every 200th backend (from 13): 600 connection errors per step; every 150th (from 17): 60 retries per step;</li>
 *   <li>every 97th backend (from 3) has a queue, every 89th (from 5) 90% of its session limit, every 83rd (from 1)
 *       an average response time of 1.5 s; every 25th frontend (from 3) denies 100 requests per step.</li>
 * </ul>
 * About 4% of the servers are DOWN (the generator's mix), so HaproxyServerDown fires for them.
 */
public final class AdvancingCsv {

    private static final Set<String> GAUGES = Set.of("qcur", "qmax", "scur", "smax", "lastchg", "qtime", "ctime",
            "rtime", "ttime", "qtime_max", "ctime_max", "rtime_max", "ttime_max", "check_duration", "rate",
            "rate_max", "downtime", "chkdown");
    private static final Set<String> COUNTERS = Set.of("stot", "bin", "bout", "dreq", "dresp", "ereq", "econ",
            "eresp", "wretr", "wredis", "chkfail", "lbtot", "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx",
            "hrsp_5xx", "hrsp_other", "req_tot", "cli_abrt", "srv_abrt", "connect", "reuse", "conn_tot",
            "h1_bytes_in", "h1_bytes_out", "h1_total_connections", "h1_total_streams");

    /** Static text, then an advancing number, repeated; the last piece is static text only. */
    private final List<byte[]> texts = new ArrayList<>();
    private long[] bases = new long[1024];
    private long[] increments = new long[1024];
    private int numbers;
    private final int length;

    /**
     * Builds the evolving document.
     *
     * @param backends number of backends
     * @param serversPerBackend servers per backend
     */
    public AdvancingCsv(int backends, int serversPerBackend) {
        String text = new String(CsvGenerator.generate(backends, serversPerBackend, 0), StandardCharsets.UTF_8);
        String[] lines = text.split("\n");
        List<String> names = Arrays.asList(lines[0].substring(2).split(",", -1));
        int status = names.indexOf("status");
        SplittableRandom rnd = new SplittableRandom(7);
        StringBuilder pending = new StringBuilder(lines[0]).append('\n');
        int backend = -1;
        int frontend = -1;
        for (int li = 1; li < lines.length; li++) {
            String[] f = lines[li].split(",", -1);
            boolean isFrontend = f[1].equals("FRONTEND");
            boolean isBackend = f[1].equals("BACKEND");
            if (isFrontend) {
                frontend++;
            } else if (!isBackend && (backend < 0 || !f[0].equals("be_" + String.format("%04d", backend) + "_service"))) {
                backend++;
            }
            long traffic = 20 + rnd.nextInt(180); // responses per step on a server
            if (isBackend) {
                traffic *= serversPerBackend;
            } else if (isFrontend) {
                traffic *= 10L * serversPerBackend;
            }
            boolean fiveXx = !isFrontend && backend % 40 == 7;
            boolean fourXx = !isFrontend && backend % 50 == 0;
            for (int i = 0; i < f.length; i++) {
                String col = i < names.size() ? names.get(i) : "";
                if (i < 2 || f[i].isEmpty() || i == status || !isNumber(f[i])
                        || !(GAUGES.contains(col) || COUNTERS.contains(col))) {
                    pending.append(f[i]);
                } else if (GAUGES.contains(col)) {
                    pending.append(gauge(col, isBackend, isFrontend, backend, rnd));
                } else {
                    long inc = increment(col, traffic, isBackend, isFrontend, fiveXx, fourXx, backend, frontend,
                            f[status]);
                    if (inc == 0) {
                        pending.append(f[i]);
                    } else {
                        texts.add(pending.toString().getBytes(StandardCharsets.UTF_8));
                        pending.setLength(0);
                        add(Long.parseLong(f[i]), inc);
                    }
                }
                if (i < f.length - 1) {
                    pending.append(',');
                }
            }
            pending.append('\n');
        }
        texts.add(pending.toString().getBytes(StandardCharsets.UTF_8));
        length = text.length();
    }

    private static boolean isNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static long gauge(String col, boolean isBackend, boolean isFrontend, int backend, SplittableRandom rnd) {
        switch (col) {
            case "qcur":
                return isBackend && backend % 97 == 3 ? 5 : 0;
            case "qmax":
                return isBackend && backend % 97 == 3 ? 12 : 0;
            case "scur":
                return isBackend ? (backend % 89 == 5 ? 900 : rnd.nextInt(200)) : rnd.nextInt(isFrontend ? 2000 : 40);
            case "smax":
                return isBackend ? 950 : 60;
            case "ttime":
            case "ttime_max":
                return isBackend && backend % 83 == 1 ? 1500 : 20 + rnd.nextInt(300);
            case "rtime":
            case "rtime_max":
                return 10 + rnd.nextInt(200);
            case "lastchg":
                return 100_000 + rnd.nextInt(1_000_000);
            case "rate":
            case "rate_max":
                return rnd.nextInt(100);
            default:
                return rnd.nextInt(5);
        }
    }

    private static long increment(String col, long traffic, boolean isBackend, boolean isFrontend, boolean fiveXx,
                                  boolean fourXx, int backend, int frontend, String status) {
        switch (col) {
            case "hrsp_2xx":
                return traffic;
            case "hrsp_3xx":
                return traffic / 10;
            case "hrsp_4xx":
                return fourXx ? traffic / 5 : traffic / 50;
            case "hrsp_5xx":
                return fiveXx ? traffic / 4 : 0;
            case "eresp":
                return fiveXx ? traffic / 8 : 0;
            case "econ":
                return isBackend ? (backend % 200 == 13 ? 600 : 0) : (backend % 333 == 11 ? 600 : 0);
            case "wretr":
                return isBackend && backend % 150 == 17 ? 60 : 0;
            case "dreq":
                return isFrontend && frontend % 25 == 3 ? 100 : 0;
            case "chkfail":
                return !isBackend && !isFrontend && status.startsWith("UP ") ? 1 : 0;
            case "dresp":
            case "ereq":
            case "hrsp_1xx":
            case "hrsp_other":
            case "cli_abrt":
            case "srv_abrt":
            case "wredis":
                return 0;
            case "bin":
                return traffic * 700;
            case "bout":
            case "h1_bytes_out":
                return traffic * 9000;
            case "h1_bytes_in":
                return traffic * 700;
            default:
                return traffic;
        }
    }

    private void add(long base, long inc) {
        if (numbers == bases.length) {
            bases = Arrays.copyOf(bases, numbers * 2);
            increments = Arrays.copyOf(increments, numbers * 2);
        }
        bases[numbers] = base;
        increments[numbers] = inc;
        numbers++;
    }

    /** Returns the number of values that advance with every step. */
    public int advancingValues() {
        return numbers;
    }

    /**
     * Returns the document after {@code k} steps.
     *
     * @param k the step, 0 or more
     * @return the CSV bytes
     */
    public byte[] step(long k) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + numbers * 2 + 1024);
        byte[] digits = new byte[20];
        for (int i = 0; i < numbers; i++) {
            out.writeBytes(texts.get(i));
            long v = bases[i] + k * increments[i];
            int p = digits.length;
            do {
                digits[--p] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v > 0);
            out.write(digits, p, digits.length - p);
        }
        out.writeBytes(texts.get(numbers));
        return out.toByteArray();
    }
}
