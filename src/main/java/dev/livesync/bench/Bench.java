package dev.livesync.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The seed's load test, built in: for each contender and rate, a fresh empty source and target, the
 * contender started and proven live (a probe file must arrive), then {@code rate} files/s of
 * [minSize, maxSize] bytes for {@code seconds}; per-file lag is the time from the writer's close to the
 * file's arrival under its final name at the target. Then renames and deletes, and a convergence
 * check of the whole tree (type, size, mtime; content of every file at the end).
 */
public final class Bench {
  /** What one contender achieved at one rate. */
  /**
   * @param offered files/s the writer achieved (below {@code rate} when the writer itself cannot keep up)
   * @param throughput files/s delivered: files over the time from the first write to the last arrival
   */
  public record Result(String tool, double rate, int files, long bytes, int arrived, LagStats lag,
      double drainSeconds, boolean converged, double convergeSeconds, String contentMismatch,
      double cpuSecondsPer1000, String failure, double offered, double throughput) {
    public boolean ok() {
      return failure == null && arrived == files && converged && contentMismatch == null;
    }
  }

  /** {@code stage}: write the files beforehand outside the source and rename them in during the load. */
  /**
   * {@code stage}: write the files beforehand outside the source and rename them in during the load.
   * {@code outside}: the files are written by a Python process of its own that stalls for 0.5 s every
   * 2 s and then catches up (bursts), not by this JVM.
   */
  public record Options(double seconds, int minSize, int maxSize, int perDir, Path workdir, boolean stage, boolean outside) {
    public Options {
      if (stage && outside) throw new IllegalArgumentException("--stage and --outside-writer do not go together");
    }
  }

  /** The outside writer's pause: every {@link #STALL_EVERY} seconds it stops for {@link #STALL} seconds. */
  public static final double STALL_EVERY = 2.0;
  public static final double STALL = 0.5;

  private final Options options;
  private final PrintStream out;
  /** For the length of {@link #run}. */
  private Trash trash;

  public Bench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Files/s of the bulk baseline, once {@link #run} measured it with {@code bulk}; else 0. */
  public double bulkFilesPerSecond;

  public List<Result> run(List<Contender> contenders, List<Double> rates, boolean bulk) throws Exception {
    Files.createDirectories(options.workdir());
    List<Result> results = new ArrayList<>();
    try (Trash t = new Trash(options.workdir(), out); BenchDaemon daemon = new BenchDaemon(options.workdir(), "target", "bulk")) {
      trash = t;
      t.awaitQuiet();
      out.printf("rsync daemon on 127.0.0.1:%d, work dir %s%n", daemon.port, options.workdir());
      for (double rate : rates) {
        for (Contender c : contenders) {
          Result r = runOne(daemon, c, rate);
          results.add(r);
          out.println(row(r));
        }
      }
      if (bulk) bulkFilesPerSecond = bulkBaseline(daemon);
    }
    return results;
  }

  private Result runOne(BenchDaemon daemon, Contender c, double rate) throws Exception {
    Path runDir = options.workdir().resolve(c.name().replaceAll("[^a-z]", "") + "-" + (long) rate);
    trash.discard(runDir);
    Path src = Files.createDirectories(runDir.resolve("src"));
    Path dst = daemon.module("target");
    trash.discard(dst);
    Files.createDirectories(dst);
    out.printf("%s at %.0f files/s for %.0f s ...%n", c.name(), rate, options.seconds());
    try (ArrivalRecorder arrivals = new ArrivalRecorder(dst)) {
      Process p = c.start(src, daemon.url("target"), daemon.passwordFile, runDir);
      try {
        if (!awaitLive(src, arrivals)) {
          return failed(c, rate, "did not deliver a probe file within 60 s (log in " + runDir + ")");
        }
        double cpu0 = ProcessCpu.seconds(p.toHandle());
        Load gen;
        if (options.outside()) {
          gen = new OutsideWriter(src, options.minSize(), options.maxSize(), options.perDir(), STALL_EVERY, STALL);
        } else {
          LoadGenerator own = new LoadGenerator(src, options.minSize(), options.maxSize(), options.perDir());
          if (options.stage()) own.stage(runDir.resolve("staging"), rate, options.seconds());
          gen = own;
        }
        long loadEnd = gen.run(rate, options.seconds());
        long loadStart = gen.startedAt();
        double drainLimit = Math.max(30, options.seconds() * 3);
        int[] next = {0}; // the arrived prefix of gen.written, so each check costs only what is new
        await(() -> {
          while (next[0] < gen.written().size() && arrivals.arrivedAt.containsKey(gen.written().get(next[0]))) next[0]++;
          return next[0] == gen.written().size();
        }, drainLimit);
        double cpu = ProcessCpu.seconds(p.toHandle()) - cpu0;

        List<Double> lags = new ArrayList<>();
        long last = loadEnd;
        for (String rel : gen.written()) {
          Long at = arrivals.arrivedAt.get(rel);
          if (at == null) continue;
          lags.add((at - gen.closedAt().get(rel)) / 1e6);
          last = Math.max(last, at);
        }
        double drain = (last - loadEnd) / 1e9;
        // System.nanoTime is CLOCK_MONOTONIC: scripts/bench-profile cuts `perf record -k mono` to this window
        out.printf("load window (CLOCK_MONOTONIC): %.6f,%.6f%n", loadStart / 1e9, last / 1e9);
        double offered = gen.written().size() / ((loadEnd - loadStart) / 1e9);
        double throughput = lags.size() / ((last - loadStart) / 1e9);

        long churnStart = System.nanoTime();
        churn(src, gen.written());
        Map<String, TreeSnapshot.Entry> want = TreeSnapshot.of(src);
        boolean converged = await(() -> TreeSnapshot.of(dst).equals(want), 60);
        double convergeSeconds = (System.nanoTime() - churnStart) / 1e9;
        List<String> files = want.entrySet().stream().filter(e -> !e.getValue().dir()).map(Map.Entry::getKey).toList();
        String mismatch = converged ? TreeSnapshot.firstContentDifference(src, dst, files) : null;
        return new Result(c.name(), rate, gen.written().size(), gen.bytes(), lags.size(),
            LagStats.of(lags.stream().mapToDouble(Double::doubleValue).toArray()), drain, converged,
            convergeSeconds, mismatch, cpu / Math.max(1, gen.written().size()) * 1000, null, offered, throughput);
      } finally {
        Contender.stop(p);
      }
    } finally {
      // the run's log stays in runDir; its files (gigabytes, in RAM on /dev/shm) do not
      trash.discard(runDir.resolve("src"));
      trash.discard(runDir.resolve("staging"));
      trash.discard(dst);
    }
  }

  /**
   * Writes a new probe file each second until one arrives: a tool is live once it delivers a change
   * made after it started (the classic script has no other readiness signal).
   */
  private static boolean awaitLive(Path src, ArrivalRecorder arrivals) throws Exception {
    Files.createDirectories(src.resolve("ready"));
    for (int i = 0; i < 60; i++) {
      Files.writeString(src.resolve("ready/probe-" + i), "probe");
      if (await(() -> arrivals.arrivedAt.keySet().stream().anyMatch(k -> k.startsWith("ready/")), 1)) return true;
    }
    return false;
  }

  /** Renames every 10th file, deletes every 10th (offset 5), renames the first directory. */
  private static void churn(Path src, List<String> written) throws IOException {
    for (int i = 0; i < written.size(); i++) {
      Path f = src.resolve(written.get(i));
      if (i % 10 == 0) Files.move(f, f.resolveSibling(f.getFileName() + ".renamed"));
      else if (i % 10 == 5) Files.delete(f);
    }
    if (!written.isEmpty()) {
      Path firstDir = src.resolve(written.get(0)).getParent();
      Files.move(firstDir, firstDir.resolveSibling(firstDir.getFileName() + "-renamed"));
    }
  }

  /** Bulk runs timed; the baseline is their median (one short run moves by ±30 % on a shared 2-core VM). */
  public static final int BULK_RUNS = 3;

  /**
   * One {@code rsync -a} of 10,000 files of the run's sizes into an empty module, {@link #BULK_RUNS}
   * times (the module emptied before each); the same arrival recorder watches the module as in the
   * live runs, so both pay the same measuring cost. Returns the median files/s, 0 if a run failed.
   */
  private double bulkBaseline(BenchDaemon daemon) throws Exception {
    int n = 10_000;
    Path src = options.workdir().resolve("bulk-src");
    trash.discard(src);
    Files.createDirectories(src);
    LoadGenerator gen = new LoadGenerator(src, options.minSize(), options.maxSize(), options.perDir());
    gen.run(1_000_000, n / 1_000_000.0);
    double[] rates = new double[BULK_RUNS];
    try {
      for (int i = 0; i < BULK_RUNS; i++) {
        Path dst = daemon.module("bulk");
        trash.discard(dst);
        Files.createDirectories(dst);
        double secs;
        int rc;
        try (ArrivalRecorder arrivals = new ArrivalRecorder(dst)) {
          long t0 = System.nanoTime();
          try (var p = dev.livesync.fs.ChildProcess.command("rsync", "-a", src + "/", daemon.url("bulk"), "--password-file",
              daemon.passwordFile.toString()).noStdin().mergeStderr().tail(0).start()) {
            rc = p.waitFor();
          }
          secs = (System.nanoTime() - t0) / 1e9;
        }
        rates[i] = rc == 0 ? gen.written.size() / secs : 0;
        out.printf("bulk baseline %d/%d: one `rsync -a` of %d files (%d MB) to the daemon: %.2f s = %.0f files/s (exit %d)%n",
            i + 1, BULK_RUNS, gen.written.size(), gen.bytes >> 20, secs, rates[i], rc);
        if (rc != 0) return 0;
      }
    } finally {
      trash.discard(src);
      trash.discard(daemon.module("bulk"));
    }
    java.util.Arrays.sort(rates);
    return rates[BULK_RUNS / 2];
  }

  private static Result failed(Contender c, double rate, String why) {
    return new Result(c.name(), rate, 0, 0, 0, LagStats.of(new double[0]), 0, false, 0, null, 0, why, 0, 0);
  }

  public static String header() {
    return String.format("| %-18s | %6s | %7s | %6s | %7s | %7s | %7s | %7s | %7s | %7s | %7s | %-9s | %8s |%n|%s|",
        "tool", "rate/s", "wrote/s", "files", "arrived", "thru/s", "p50 s", "p95 s", "p99 s", "max s", "drain s", "converged",
        "cpu s/1k", "-".repeat(20) + "|--------|---------|--------|---------|---------|---------|---------|---------|---------|---------|-----------|----------");
  }

  public static String row(Result r) {
    if (r.failure() != null) return String.format("| %-18s | %6.0f | FAILED: %s", r.tool(), r.rate(), r.failure());
    String conv = r.converged() ? (r.contentMismatch() == null ? String.format("yes %.1fs", r.convergeSeconds()) : "BYTES!") : "NO";
    return String.format("| %-18s | %6.0f | %7.0f | %6d | %7d | %7.0f | %7.3f | %7.3f | %7.3f | %7.3f | %7.2f | %-9s | %8.3f |",
        r.tool(), r.rate(), r.offered(), r.files(), r.arrived(), r.throughput(), r.lag().p50() / 1000, r.lag().p95() / 1000,
        r.lag().p99() / 1000, r.lag().max() / 1000, r.drainSeconds(), conv, r.cpuSecondsPer1000());
  }

  interface Condition {
    boolean met() throws Exception;
  }

  static boolean await(Condition c, double seconds) throws Exception {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < deadline) {
      if (c.met()) return true;
      Thread.sleep(20);
    }
    return c.met();
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
