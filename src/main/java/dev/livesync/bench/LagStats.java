package dev.livesync.bench;

import java.util.Arrays;

/** Percentiles of per-file lag in milliseconds (nearest-rank). */
record LagStats(int count, double p50, double p95, double p99, double max) {
  static LagStats of(double[] millis) {
    if (millis.length == 0) return new LagStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    double[] s = millis.clone();
    Arrays.sort(s);
    return new LagStats(s.length, rank(s, 50), rank(s, 95), rank(s, 99), s[s.length - 1]);
  }

  private static double rank(double[] sorted, double pct) {
    int i = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
