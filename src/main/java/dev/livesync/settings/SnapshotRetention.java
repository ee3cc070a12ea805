package dev.livesync.settings;

import java.util.Locale;

/**
 * How many hard-link snapshots {@code serve --snapshots} keeps of each module:
 * {@code hourly=24,daily=14,weekly=8} keeps the newest snapshot of each of the last 24 hours, of
 * each of the last 14 days and of each of the last 8 weeks (a snapshot may count for several). A
 * snapshot is taken every hour when {@code hourly} is set, else every day, else every week.
 */
public record SnapshotRetention(int hourly, int daily, int weekly) {
  static final int MAX = 10_000;

  /** Null when {@code text} is not of the form (the key's rule then refuses it). */
  static SnapshotRetention parse(String text) {
    int h = 0, d = 0, w = 0;
    boolean any = false;
    for (String part : text.strip().toLowerCase(Locale.ROOT).split("\\s*,\\s*")) {
      String[] kv = part.split("\\s*=\\s*");
      if (kv.length != 2 || !kv[1].matches("\\d{1,5}")) return null;
      int n = Integer.parseInt(kv[1]);
      if (n > MAX) return null;
      switch (kv[0]) {
        case "hourly" -> h = n;
        case "daily" -> d = n;
        case "weekly" -> w = n;
        default -> {
          return null;
        }
      }
      any |= n > 0;
    }
    return any ? new SnapshotRetention(h, d, w) : null;
  }

  @Override
  public String toString() {
    return "hourly=" + hourly + ",daily=" + daily + ",weekly=" + weekly;
  }
}
