package dev.livesync.bench;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A measuring harness (not a test): the bench's load into a source replicated in-process to a
 * loopback daemon, with an optional second writer that saves files the way editors do (write a temp
 * name, rename it into place) at {@code renameRate}/s. Prints lag percentiles for both kinds.
 * Usage: InProcessBench RATE SECONDS RENAME_RATE WORKDIR
 */
public final class InProcessBench {
  public static void main(String[] a) throws Exception {
    double rate = Double.parseDouble(a[0]);
    double seconds = Double.parseDouble(a[1]);
    double renameRate = Double.parseDouble(a[2]);
    Path work = Path.of(a[3]);
    Bench.deleteTree(work);
    Files.createDirectories(work);
    try (var daemon = new BenchDaemon(work, "target")) {
      Path src = Files.createDirectories(work.resolve("src"));
      Path dst = daemon.module("target");
      var opts = TargetOptions.builder().passwordFile(daemon.passwordFile).build();
      var t = RsyncTransport.open(Bytes.of(src.toString()), daemon.url("target"), opts);
      var s = EngineSettings.builder("bench", Bytes.of(src.toString())).stateDir(work.resolve("state"));
      if (System.getProperty("delay") != null) s.delay(Duration.ofMillis(Long.getLong("delay")));
      if (System.getProperty("workers") != null) s.workers(Integer.getInteger("workers"));
      try (var arrivals = new ArrivalRecorder(dst); var r = Replicator.start(s.build(), List.of(t), null)) {
        var gen = new LoadGenerator(src, 10_000, 100_000, 100);
        Map<String, Long> savedAt = new ConcurrentHashMap<>();
        Thread saver = Thread.ofPlatform().start(() -> save(src, renameRate, seconds, savedAt));
        long t0 = System.nanoTime();
        long end = gen.run(rate, seconds);
        saver.join();
        double achieved = gen.written.size() / ((end - t0) / 1e9);
        long deadline = System.nanoTime() + 120_000_000_000L;
        int next = 0;
        while (System.nanoTime() < deadline) {
          while (next < gen.written.size() && arrivals.arrivedAt.containsKey(gen.written.get(next))) next++;
          if (next == gen.written.size() && arrivals.arrivedAt.keySet().containsAll(savedAt.keySet())) break;
          Thread.sleep(20);
        }
        report("files", gen.closedAt, arrivals.arrivedAt, end);
        if (!savedAt.isEmpty()) report("saves", savedAt, arrivals.arrivedAt, end);
        System.out.printf("writer achieved %.0f files/s%n", achieved);
      }
    }
  }

  private static void report(String what, Map<String, Long> at, Map<String, Long> arrived, long loadEnd) {
    List<Double> lags = new ArrayList<>();
    long last = loadEnd;
    int missing = 0;
    for (var e : at.entrySet()) {
      Long got = arrived.get(e.getKey());
      if (got == null) { missing++; continue; }
      lags.add((got - e.getValue()) / 1e6);
      last = Math.max(last, got);
    }
    LagStats l = LagStats.of(lags.stream().mapToDouble(Double::doubleValue).toArray());
    System.out.printf("%s: n=%d missing=%d p50=%.3f p95=%.3f p99=%.3f max=%.3f s, drain=%.2f s%n", what, lags.size(), missing,
        l.p50() / 1000, l.p95() / 1000, l.p99() / 1000, l.max() / 1000, (last - loadEnd) / 1e9);
  }

  /** Editor-style saves: write ".name.tmp", rename to "name"; time = when the rename is done. */
  private static void save(Path src, double rate, double seconds, Map<String, Long> savedAt) {
    if (rate <= 0) return;
    try {
      Path dir = Files.createDirectories(src.resolve("saves"));
      long total = Math.round(rate * seconds);
      long start = System.nanoTime();
      byte[] data = new byte[20_000];
      for (long n = 0; n < total; n++) {
        long due = start + (long) (n / rate * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
        Path tmp = dir.resolve("s" + n + ".tmp");
        data[0] = (byte) n;
        Files.write(tmp, data);
        Files.move(tmp, dir.resolve("s" + n + ".dat"));
        savedAt.put("saves/s" + n + ".dat", System.nanoTime());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
