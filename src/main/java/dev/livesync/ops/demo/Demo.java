package dev.livesync.ops.demo;

import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.server.RsyncServer;
import dev.livesync.server.ServeModule;
import dev.livesync.server.ServeSpec;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.transport.Drift;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code livesync demo}: a whole replication on loopback in one process — a temp source, a {@code
 * serve} daemon at a free port with a generated password, a {@link Replicator} between them — then a
 * burst of files, renames and deletes, per-file lag, and a checksum comparison of target and source.
 */
public final class Demo {
  /** What to do; {@link #defaults()} is the README's demo (a burst like the tutorial's 200 files/s test). */
  public record Options(int files, int minKb, int maxKb, Duration burst, int renames, int deletes, Duration deadline) {
    public static Options defaults() {
      return new Options(500, 10, 100, Duration.ofMillis(2500), 50, 50, Duration.ofSeconds(20));
    }
  }

  private final Options o;
  private final PrintWriter out;

  public Demo(Options o, PrintWriter out) {
    this.o = o;
    this.out = out;
  }

  /** Runs the demo; returns 0 when the target equals the source at the end. */
  public int run(boolean keep) throws InterruptedException, IOException {
    Path dir = Files.createTempDirectory("livesync-demo-");
    try {
      return run(dir);
    } finally {
      if (keep) say("kept %s", dir);
      else deleteTree(dir);
    }
  }

  private int run(Path dir) throws InterruptedException, IOException {
    Path source = Files.createDirectories(dir.resolve("source"));
    Path backup = Files.createDirectories(dir.resolve("backup"));
    Path password = dir.resolve("password");
    Files.createFile(password, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    Files.writeString(password, HexFormat.of().formatHex(secret) + "\n");
    int port = freePort();
    long t0 = System.nanoTime();
    say("livesync demo: source, backup daemon and replicator on 127.0.0.1 (in %s, removed afterwards)", dir);
    try (RsyncServer server = RsyncServer.start(new ServeSpec("127.0.0.1", port, null, dir.resolve("run"),
        List.of(ServeModule.of("demo", backup, "demo", password))))) {
      String url = "rsync://demo@127.0.0.1:" + port + "/demo";
      say("  serve   %s -> %s (rsync daemon pid %d, generated password)", url, backup, server.pid());
      byte[] src = Bytes.of(source.toString());
      RsyncTransport transport = RsyncTransport.open(src, url, TargetOptions.builder().passwordFile(password).build());
      LagRecorder lags = new LagRecorder();
      Replicator r = Replicator.start(EngineSettings.builder("demo", src).stateDir(dir.resolve("state")).build(), List.of(transport), lags);
      try {
        say("  run     watching %s (%d watches), initial sync started", source, r.status() == null ? 0 : r.status().watches());
        Burst burst = burst(source, lags);
        say("burst: %d files (%d-%d KB, %s) in %d directories over %.1f s, then %d renames and %d deletes",
            o.files(), o.minKb(), o.maxKb(), mb(burst.bytes), burst.dirs, o.burst().toMillis() / 1000.0, burst.renamed, burst.deleted);
        long lastChange = System.nanoTime();
        Drift drift = converge(r, transport);
        say("caught up %.1f s after the last change", (System.nanoTime() - lastChange) / 1e9);
        long[] p = lags.percentiles();
        say("per-file lag (change complete at the source -> at the target): p50 %d ms, p95 %d ms, max %d ms (%d changes%s)",
            p[0], p[1], p[2], p[3], lags.pending() == 0 ? "" : "; " + lags.pending() + " more needed no transfer of their own");
        long[] tree = countFiles(source);
        if (!drift.isEmpty()) {
          say("target != source: %d missing, %d extra, %d differing (first: %s)", drift.missing().size(), drift.extra().size(),
              drift.differing().size(), firstOf(drift));
          return 1;
        }
        say("target == source: %d files, %d bytes verified (checksums compared)", tree[0], tree[1]);
      } finally {
        r.stop(Duration.ofSeconds(5)); // closes the transport too
      }
    }
    say("cleaned up: daemon stopped, replicator stopped (%.1f s in all)", (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  private record Burst(long bytes, int dirs, int renamed, int deleted) {}

  /** Writes the files evenly over the burst duration, then renames and deletes some of them. */
  private Burst burst(Path source, LagRecorder lags) throws IOException, InterruptedException {
    SplittableRandom rnd = new SplittableRandom(42);
    int dirs = Math.max(1, o.files() / 50);
    for (int d = 0; d < dirs; d++) Files.createDirectories(source.resolve("dir" + d));
    long start = System.nanoTime();
    long bytes = 0;
    List<String> written = new ArrayList<>();
    for (int i = 0; i < o.files(); i++) {
      long due = start + o.burst().toNanos() * i / o.files();
      long wait = due - System.nanoTime();
      if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      String rel = "dir" + (i % dirs) + "/file" + i + ".bin";
      byte[] data = new byte[rnd.nextInt(o.minKb() * 1024, o.maxKb() * 1024 + 1)];
      rnd.nextBytes(data);
      Files.write(source.resolve(rel), data);
      lags.changed(Bytes.of(rel));
      bytes += data.length;
      written.add(rel);
    }
    int renamed = 0;
    for (int i = 0; i < o.renames() && i < written.size(); i++) {
      String from = written.get(i);
      String to = from.replace(".bin", ".renamed");
      Files.move(source.resolve(from), source.resolve(to));
      lags.changed(Bytes.of(from));
      lags.changed(Bytes.of(to));
      renamed++;
    }
    int deleted = 0;
    for (int i = written.size() - 1; i >= written.size() - o.deletes() && i >= o.renames(); i--) {
      Files.delete(source.resolve(written.get(i)));
      lags.changed(Bytes.of(written.get(i)));
      deleted++;
    }
    return new Burst(bytes, dirs, renamed, deleted);
  }

  /**
   * Polls until the engine is idle and a compare finds no drift (or the deadline passes), then
   * compares again by checksum for the final word.
   */
  private Drift converge(Replicator r, RsyncTransport transport) throws InterruptedException {
    long deadline = System.nanoTime() + o.deadline().toNanos();
    while (true) {
      if (r.crashed() != null) throw new LivesyncException("the replicator stopped: " + r.crashed(), 1, r.crashed());
      boolean pastDeadline = System.nanoTime() > deadline;
      if ((r.caughtUp() && transport.compare(false).isEmpty()) || pastDeadline) return transport.compare(true);
      Thread.sleep(50);
    }
  }

  private static long[] countFiles(Path root) throws IOException {
    long[] n = new long[2];
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        n[0]++;
        try {
          n[1] += Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return n;
  }

  private static String firstOf(Drift d) {
    List<byte[]> all = new ArrayList<>(d.missing());
    all.addAll(d.extra());
    all.addAll(d.differing());
    return all.stream().limit(5).map(Bytes::display).toList().toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String mb(long bytes) {
    return String.format("%.1f MB", bytes / 1e6);
  }

  private void say(String fmt, Object... args) {
    out.println(String.format(fmt, args));
    out.flush();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
