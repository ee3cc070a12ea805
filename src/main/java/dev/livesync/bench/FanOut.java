package dev.livesync.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bench with many targets or many sources. {@code targets} &gt; 1: one source pushed by one
 * {@code livesync run} to that many targets, each its own loopback rsync daemon (the one
 * {@code livesync serve} runs) so that one can be stopped, by pid, while the others go on;
 * {@code sources} &gt; 1: that many sources, each written at the rate by a writer of its own, as
 * the [[sync]] blocks of one config file ({@code livesync run --config}) to as many modules of one
 * daemon. Per-file lag (from the writer's close to the arrival under the final name) is recorded
 * at every target; after the load every target must hold every file and equal its source.
 */
public final class FanOut {
  /**
   * @param livesync the command that runs livesync (the launcher, or a JVM on the test classpath)
   * @param stopAt with {@code targets}: seconds after the load starts when the last target's daemon
   *     is stopped (negative: never); {@code restartAt}: when it is started again
   */
  public record Options(Bench.Options load, int targets, int sources, double stopAt, double restartAt,
      List<String> livesync, List<String> livesyncArgs) {
    public Options {
      if (targets < 1 || sources < 1 || targets > 1 && sources > 1) throw new IllegalArgumentException("many targets or many sources, not both");
      if (load.stage()) throw new IllegalArgumentException("--stage takes one source and one target");
      if (stopAt >= 0 && (targets < 2 || restartAt <= stopAt)) throw new IllegalArgumentException("a stopped target needs another target, and a restart after the stop");
      livesync = List.copyOf(livesync);
      livesyncArgs = List.copyOf(livesyncArgs);
    }
  }

  /**
   * One target (or, with many sources, one sync): its files, their lag, and where it differs from
   * its source at the end ({@code difference}: null when equal).
   */
  public record Row(String name, double offered, int files, int arrived, LagStats lag, double drainSeconds, String difference, String note) {
    public boolean equal() {
      return difference == null;
    }
  }

  /** One rate: every target's row, and livesync's CPU per 1,000 files written. */
  public record Result(double rate, List<Row> rows, double cpuSecondsPer1000, String failure) {
    public boolean ok() {
      return failure == null && rows.stream().allMatch(r -> r.arrived() == r.files() && r.equal());
    }
  }

  /** Where one target's copy of one source lands, and the recorder watching it. */
  private record Route(String name, int source, Path dst, String url, ArrivalRecorder arrivals) {}

  private final Options options;
  private final PrintStream out;
  /** For the length of {@link #run}. */
  private Trash trash;

  public FanOut(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public List<Result> run(List<Double> rates) throws Exception {
    Files.createDirectories(options.load().workdir());
    List<Result> results = new ArrayList<>();
    try (Trash t = new Trash(options.load().workdir(), out)) {
      trash = t;
      t.awaitQuiet();
      for (double rate : rates) {
        Result r = runOne(rate);
        results.add(r);
        rows(r).forEach(out::println);
      }
    }
    return results;
  }

  private Result runOne(double rate) throws Exception {
    Bench.Options load = options.load();
    Path runDir = load.workdir().resolve((options.targets() > 1 ? "targets-" : "sources-") + (long) rate);
    trash.discard(runDir);
    List<Path> sources = new ArrayList<>();
    for (int i = 1; i <= options.sources(); i++) sources.add(Files.createDirectories(runDir.resolve(String.format("src%02d", i))));
    List<BenchDaemon> daemons = new ArrayList<>();
    List<Route> routes = new ArrayList<>();
    Process p = null;
    try {
      if (options.targets() > 1) {
        for (int i = 1; i <= options.targets(); i++) {
          BenchDaemon d = new BenchDaemon(Files.createDirectories(runDir.resolve(String.format("daemon%02d", i))), "target");
          daemons.add(d);
          routes.add(new Route("target " + i, 0, d.module("target"), d.url("target"), new ArrivalRecorder(d.module("target"))));
        }
      } else {
        List<String> modules = new ArrayList<>();
        for (int i = 1; i <= options.sources(); i++) modules.add(String.format("s%02d", i));
        BenchDaemon d = new BenchDaemon(Files.createDirectories(runDir.resolve("daemon")), modules.toArray(String[]::new));
        daemons.add(d);
        for (int i = 0; i < modules.size(); i++) {
          String m = modules.get(i);
          routes.add(new Route("sync " + m, i, d.module(m), d.url(m), new ArrivalRecorder(d.module(m))));
        }
      }
      out.printf("%s at %.0f files/s per source for %.0f s: %d source(s), %d target(s), daemons on 127.0.0.1:%s, work dir %s%n",
          "livesync", rate, load.seconds(), sources.size(), routes.size(),
          daemons.stream().map(d -> Integer.toString(d.port)).toList(), runDir);
      p = startLivesync(runDir, sources, routes, daemons.getFirst().passwordFile);
      if (!awaitLive(sources, routes)) {
        return new Result(rate, List.of(), 0, "a probe file did not reach every target within 60 s (log in " + runDir + ")");
      }
      double cpu0 = ProcessCpu.seconds(p.toHandle());
      List<Load> writers = new ArrayList<>();
      for (Path src : sources) {
        writers.add(load.outside() ? new OutsideWriter(src, load.minSize(), load.maxSize(), load.perDir(), Bench.STALL_EVERY, Bench.STALL)
            : new LoadGenerator(src, load.minSize(), load.maxSize(), load.perDir()));
      }
      long t0 = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      long[] ends = new long[writers.size()];
      Exception[] failures = new Exception[writers.size()];
      for (int i = 0; i < writers.size(); i++) {
        int k = i;
        threads.add(Thread.ofPlatform().name("writer-" + (i + 1)).start(() -> {
          try {
            ends[k] = writers.get(k).run(rate, load.seconds());
          } catch (Exception e) {
            failures[k] = e;
          }
        }));
      }
      long stoppedAt = 0, restartedAt = 0;
      if (options.stopAt() >= 0) {
        BenchDaemon victim = daemons.getLast();
        sleepUntil(t0 + (long) (options.stopAt() * 1e9));
        long pid = victim.pid();
        stoppedAt = System.nanoTime();
        victim.stop();
        out.printf("%s: daemon (pid %d) stopped %.1f s after the writer started%n", routes.getLast().name(), pid, (stoppedAt - t0) / 1e9);
        sleepUntil(t0 + (long) (options.restartAt() * 1e9));
        victim.start();
        restartedAt = System.nanoTime();
        out.printf("%s: daemon (pid %d) listening again %.1f s after the writer started%n", routes.getLast().name(), victim.pid(), (restartedAt - t0) / 1e9);
      }
      for (Thread t : threads) t.join();
      for (Exception e : failures) if (e != null) throw e;
      long loadStart = writers.stream().mapToLong(Load::startedAt).min().orElse(t0);
      int total = writers.stream().mapToInt(w -> w.written().size()).sum();

      double drainLimit = Math.max(60, load.seconds() * 3);
      Bench.await(() -> routes.stream().allMatch(r -> allArrived(r, writers.get(r.source()))), drainLimit);
      double cpu = ProcessCpu.seconds(p.toHandle()) - cpu0;
      Map<Integer, Map<String, TreeSnapshot.Entry>> want = new LinkedHashMap<>();
      for (int i = 0; i < sources.size(); i++) want.put(i, TreeSnapshot.of(sources.get(i)));
      Bench.await(() -> routes.stream().allMatch(r -> TreeSnapshot.of(r.dst()).equals(want.get(r.source()))), 30);

      List<Row> rows = new ArrayList<>();
      for (Route r : routes) {
        Load w = writers.get(r.source());
        boolean victim = options.stopAt() >= 0 && r == routes.getLast();
        rows.add(row(r, w, ends[r.source()], firstDifference(want.get(r.source()), TreeSnapshot.of(r.dst())),
            victim ? catchUp(r, w, stoppedAt - loadStart, restartedAt - loadStart, restartedAt) : null));
      }
      // a livesync that died (or was killed) during the run explains missing files better than any row
      String exited = p.isAlive() ? null : "livesync exited with code " + p.exitValue() + " during the run (its log: " + runDir.resolve("livesync.log") + ")";
      return new Result(rate, rows, cpu / Math.max(1, total) * 1000, exited);
    } finally {
      if (p != null) Contender.stop(p);
      for (Route r : routes) r.arrivals().close();
      for (BenchDaemon d : daemons) d.close();
      for (Path src : sources) trash.discard(src);
      for (Route r : routes) trash.discard(r.dst());
    }
  }

  /** One {@code livesync run}: SOURCE and every target on the command line, or a config with a [[sync]] per source. */
  private Process startLivesync(Path runDir, List<Path> sources, List<Route> routes, Path passwordFile) throws IOException {
    List<String> cmd = new ArrayList<>(options.livesync());
    cmd.add("run");
    if (sources.size() == 1) {
      cmd.add(sources.getFirst().toString());
      routes.forEach(r -> cmd.add(r.url()));
      cmd.addAll(List.of("--password-file", passwordFile.toString(), "--state-dir", runDir.resolve("state").toString(),
          "--status-socket", runDir.resolve("status.sock").toString()));
    } else {
      Path conf = runDir.resolve("livesync.toml");
      Files.writeString(conf, config(runDir, sources, routes, passwordFile));
      cmd.addAll(List.of("--config", conf.toString()));
    }
    cmd.addAll(options.livesyncArgs());
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(runDir.resolve("livesync.log").toFile()).start();
  }

  /** A config with one [[sync]] per source, each with its one target. */
  static String config(Path runDir, List<Path> sources, List<Route> routes, Path passwordFile) {
    StringBuilder b = new StringBuilder();
    b.append("state_dir = \"").append(runDir.resolve("state")).append("\"\n");
    b.append("status_socket = \"").append(runDir.resolve("status.sock")).append("\"\n");
    for (Route r : routes) {
      b.append("\n[[sync]]\nname = \"").append(r.name().substring(r.name().indexOf(' ') + 1)).append("\"\n");
      b.append("source = \"").append(sources.get(r.source())).append("\"\n");
      b.append("[[sync.target]]\nurl = \"").append(r.url()).append("\"\n");
      b.append("password_file = \"").append(passwordFile).append("\"\n");
    }
    return b.toString();
  }

  /** A new probe file in each source every second until one has arrived at every target. */
  private static boolean awaitLive(List<Path> sources, List<Route> routes) throws Exception {
    for (Path src : sources) Files.createDirectories(src.resolve("ready"));
    for (int i = 0; i < 60; i++) {
      for (Path src : sources) Files.writeString(src.resolve("ready/probe-" + i), "probe");
      if (Bench.await(() -> routes.stream().allMatch(r -> r.arrivals().arrivedAt.keySet().stream().anyMatch(k -> k.startsWith("ready/"))), 1)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allArrived(Route r, Load w) {
    for (String rel : w.written()) if (!r.arrivals().arrivedAt.containsKey(rel)) return false;
    return true;
  }

  /** The first path (in sorted order) whose type, size or mtime differs, both sides shown; null when the trees are equal. */
  static String firstDifference(Map<String, TreeSnapshot.Entry> source, Map<String, TreeSnapshot.Entry> target) {
    if (source.equals(target)) return null;
    var paths = new java.util.TreeSet<>(source.keySet());
    paths.addAll(target.keySet());
    for (String p : paths) {
      TreeSnapshot.Entry a = source.get(p), b = target.get(p);
      if (!java.util.Objects.equals(a, b)) return p + ": source " + describe(a) + ", target " + describe(b);
    }
    return "?";
  }

  private static String describe(TreeSnapshot.Entry e) {
    if (e == null) return "none";
    return (e.dir() ? "directory" : e.size() + " bytes") + " mtime " + e.mtimeSeconds();
  }

  private static Row row(Route r, Load w, long loadEnd, String difference, String note) {
    List<Double> lags = new ArrayList<>();
    long last = loadEnd;
    for (String rel : w.written()) {
      Long at = r.arrivals().arrivedAt.get(rel);
      if (at == null) continue;
      lags.add((at - w.closedAt().get(rel)) / 1e6);
      last = Math.max(last, at);
    }
    double offered = w.written().size() / ((loadEnd - w.startedAt()) / 1e9);
    return new Row(r.name(), offered, w.written().size(), lags.size(), LagStats.of(lags.stream().mapToDouble(Double::doubleValue).toArray()),
        (last - loadEnd) / 1e9, difference, note);
  }

  /**
   * The stopped target: the files written before it was back (its backlog), how long after the
   * restart the last of them arrived, and the lag of the files written after that.
   */
  private static String catchUp(Route r, Load w, long downFrom, long downTo, long restartedAt) {
    int backlog = 0;
    long caughtUp = restartedAt;
    boolean all = true;
    for (String rel : w.written()) {
      if (w.closedAt().get(rel) >= restartedAt) continue;
      Long at = r.arrivals().arrivedAt.get(rel);
      if (at == null) {
        all = false;
        continue;
      }
      if (at >= restartedAt) {
        backlog++;
        caughtUp = Math.max(caughtUp, at);
      }
    }
    List<Double> after = new ArrayList<>();
    for (String rel : w.written()) {
      long closed = w.closedAt().get(rel);
      Long at = r.arrivals().arrivedAt.get(rel);
      if (closed > caughtUp && at != null) after.add((at - closed) / 1e6);
    }
    LagStats later = LagStats.of(after.stream().mapToDouble(Double::doubleValue).toArray());
    return String.format("stopped %.1f-%.1f s into the load; %d files were waiting when it came back, %s %.2f s after its restart;"
        + " p99 of the %d files written after that %.3f s", downFrom / 1e9, downTo / 1e9, backlog,
        all ? "all there" : "NOT all there, the last", (caughtUp - restartedAt) / 1e9, later.count(), later.p99() / 1000);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
  }

  public static String header() {
    return String.format("| %-10s | %6s | %7s | %6s | %7s | %7s | %7s | %7s | %7s | %7s | %-5s |%n|%s|",
        "target", "rate/s", "wrote/s", "files", "arrived", "p50 s", "p95 s", "p99 s", "max s", "drain s", "equal",
        "-".repeat(12) + "|--------|---------|--------|---------|---------|---------|---------|---------|---------|-------");
  }

  /** The result's rows, then the stopped target's note and the highest p99 of the others. */
  public static List<String> rows(Result r) {
    if (r.failure() != null && r.rows().isEmpty()) return List.of(String.format("| %-10s | %6.0f | FAILED: %s", "all", r.rate(), r.failure()));
    List<String> out = new ArrayList<>();
    for (Row x : r.rows()) {
      out.add(String.format("| %-10s | %6.0f | %7.0f | %6d | %7d | %7.3f | %7.3f | %7.3f | %7.3f | %7.2f | %-5s |",
          x.name(), r.rate(), x.offered(), x.files(), x.arrived(), x.lag().p50() / 1000, x.lag().p95() / 1000,
          x.lag().p99() / 1000, x.lag().max() / 1000, x.drainSeconds(), x.equal() ? "yes" : "NO"));
    }
    double others = r.rows().stream().filter(x -> x.note() == null).mapToDouble(x -> x.lag().p99()).max().orElse(Double.NaN);
    out.add(String.format("highest p99 of the %s: %.3f s; livesync's CPU: %.3f s per 1,000 files written",
        r.rows().stream().anyMatch(x -> x.note() != null) ? "targets never stopped" : "targets", others / 1000, r.cpuSecondsPer1000()));
    r.rows().stream().filter(x -> x.note() != null).forEach(x -> out.add(x.name() + ": " + x.note()));
    r.rows().stream().filter(x -> !x.equal()).forEach(x -> out.add(x.name() + ": NOT equal to its source 30 s after the last arrival: " + x.difference()));
    if (r.failure() != null) out.add("FAILED: " + r.failure());
    return out;
  }
}
