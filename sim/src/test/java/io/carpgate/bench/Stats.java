package io.carpgate.bench;

import java.util.Arrays;

/** Latencies of one workload against one target, and its wall time. */
record Stats(int calls, int errors, double p50Ms, double p99Ms, double maxMs, double callsPerSecond,
             String firstError) {

    static Stats of(long[] nanos, int okCalls, int errors, long wallNanos, String firstError) {
        long[] sorted = Arrays.copyOf(nanos, okCalls);
        Arrays.sort(sorted);
        return new Stats(okCalls, errors, percentile(sorted, 50), percentile(sorted, 99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6,
                wallNanos <= 0 ? Double.NaN : okCalls / (wallNanos / 1e9), firstError);
    }

    /** Nearest-rank percentile, in milliseconds. */
    static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
