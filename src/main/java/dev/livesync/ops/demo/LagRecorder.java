package dev.livesync.ops.demo;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.sync.DeliveryListener;
import dev.livesync.sync.WorkItem;
import dev.livesync.transport.TransferResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-file lag for the demo: {@link #changed} when a change is complete at the source (file closed,
 * renamed, deleted); the engine's delivery callback then records how long until that path reached
 * the target. A path sent as part of a tree (or a full sync) counts as delivered with it.
 */
final class LagRecorder implements DeliveryListener {
  private final Map<BytePath, Long> pending = new ConcurrentHashMap<>();
  private final List<Long> lagsNanos = new ArrayList<>();

  /** {@code relative}: the path below the source root, no leading slash. */
  void changed(byte[] relative) {
    pending.put(BytePath.unsafeWrap(relative), System.nanoTime());
  }

  int pending() {
    return pending.size();
  }

  @Override
  public void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {
    switch (item) {
      case WorkItem.Send s -> {
        for (byte[] p : s.paths()) {
          if (s.recursive()) deliveredUnder(p, nowNanos);
          else deliveredOne(p, nowNanos);
        }
      }
      case WorkItem.Rename r -> {
        deliveredOne(r.from(), nowNanos);
        if (r.dir()) deliveredUnder(r.to(), nowNanos);
        else deliveredOne(r.to(), nowNanos);
      }
      case WorkItem.FullSync f -> deliveredUnder(Bytes.EMPTY, nowNanos);
    }
  }

  private void deliveredOne(byte[] p, long now) {
    deliveredOne(BytePath.unsafeWrap(p), now);
  }

  private void deliveredOne(BytePath p, long now) {
    Long t = pending.remove(p);
    if (t != null) record(now - t);
  }

  private void deliveredUnder(byte[] dir, long now) {
    BytePath d = BytePath.unsafeWrap(dir);
    for (BytePath p : List.copyOf(pending.keySet())) if (p.isUnder(d)) deliveredOne(p, now);
  }

  private synchronized void record(long lagNanos) {
    lagsNanos.add(Math.max(0, lagNanos));
  }

  /** p50, p95, max in milliseconds, and the number of samples. */
  synchronized long[] percentiles() {
    long[] a = lagsNanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    if (a.length == 0) return new long[] {0, 0, 0, 0};
    return new long[] {a[(int) ((a.length - 1) * 0.50)] / 1_000_000, a[(int) ((a.length - 1) * 0.95)] / 1_000_000,
        a[a.length - 1] / 1_000_000, a.length};
  }
}
