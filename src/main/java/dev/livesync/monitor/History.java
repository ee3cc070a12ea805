package dev.livesync.monitor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the status page charts for one target: one sample a second for the last 15 minutes (files
 * and bytes delivered in that second, lag now, the largest lag delivered in it), and every delivery
 * of the last minute for lag percentiles. Deliveries come from the engine loop, samples from the
 * monitor's tick; both synchronized (a few calls a second).
 */
final class History {
  static final int SECONDS = 15 * 60;
  private static final long WINDOW_NANOS = 60_000_000_000L;

  /** One second of one target. */
  record Sample(long epochSecond, long files, long bytes, long lagMillis, long maxDeliveredLagMillis) {}

  private record Delivery(long nanos, long lagMillis, long count) {}

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();
  private final ArrayDeque<Delivery> recent = new ArrayDeque<>();
  private long files, bytes, maxLag;

  /** {@code count} paths arrived with {@code lagMillis} at {@code nanos} (the engine's clock). */
  synchronized void delivered(long nanos, long lagMillis, long count, long files, long bytes) {
    this.files += files;
    this.bytes += bytes;
    maxLag = Math.max(maxLag, lagMillis);
    if (count > 0) recent.addLast(new Delivery(nanos, lagMillis, count));
  }

  /** Closes the second ending now; {@code lagMillis} is the target's current lag. */
  synchronized void sample(long epochSecond, long lagMillis, long nowNanos) {
    if (!samples.isEmpty() && samples.getLast().epochSecond() >= epochSecond) return; // at most one a second
    samples.addLast(new Sample(epochSecond, files, bytes, lagMillis, maxLag));
    files = bytes = maxLag = 0;
    while (samples.size() > SECONDS) samples.removeFirst();
    prune(nowNanos);
  }

  private void prune(long nowNanos) {
    while (!recent.isEmpty() && nowNanos - recent.getFirst().nanos() > WINDOW_NANOS) recent.removeFirst();
  }

  /** Samples newer than {@code afterEpochSecond}. */
  synchronized List<Sample> since(long afterEpochSecond) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) if (s.epochSecond() > afterEpochSecond) out.add(s);
    return out;
  }

  /** Lag percentiles (0..1) of the paths delivered in the last minute, in ms; -1 each when none arrived. */
  synchronized long[] percentiles(long nowNanos, double... qs) {
    prune(nowNanos);
    long[] out = new long[qs.length];
    java.util.Arrays.fill(out, -1);
    if (recent.isEmpty()) return out;
    List<Delivery> d = new ArrayList<>(recent);
    d.sort(Comparator.comparingLong(Delivery::lagMillis));
    long total = 0;
    for (Delivery x : d) total += x.count();
    for (int i = 0; i < qs.length; i++) {
      long rank = (long) Math.ceil(qs[i] * total);
      long seen = 0;
      for (Delivery x : d) {
        seen += x.count();
        if (seen >= Math.max(1, rank)) {
          out[i] = x.lagMillis();
          break;
        }
      }
    }
    return out;
  }
}
