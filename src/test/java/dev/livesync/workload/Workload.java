package dev.livesync.workload;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One watched source replicated by the whole engine (real inotify, real rsync) to a real target — a
 * local directory or an rsync daemon on loopback — and the real tools that write into it. Settings
 * are the defaults but for {@code max_hold}, set far above any bound a test waits for, so that a path
 * held as if still open for writing shows as a test failure, not as a slow pass.
 */
final class Workload implements AutoCloseable {
  enum Kind { LOCAL, DAEMON }

  /** Far above {@link #CONVERGE}: a path held until max_hold cannot pass as converged. */
  static final Duration MAX_HOLD = Duration.ofMinutes(5);
  /** Generous on a loaded machine; the time itself is measured by scripts/bench-tools. */
  static final Duration CONVERGE = Duration.ofSeconds(30);

  final Kind kind;
  final byte[] src = Trees.tempDir("wl-src");
  final byte[] dst = Trees.tempDir("wl-dst");
  final byte[] work = Trees.tempDir("wl-work");
  private final RsyncDaemon daemon;
  private Replicator replicator;

  private Workload(Kind kind) throws InterruptedException {
    this.kind = kind;
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    daemon = kind == Kind.DAEMON ? RsyncDaemon.builder(Trees.path(dst)).moduleOption("uid", "root").moduleOption("gid", "root").start() : null;
  }

  /** A source, a target of {@code kind}, nothing running yet: fill the source, then {@link #start()}. */
  static Workload of(Kind kind) throws InterruptedException {
    return new Workload(kind);
  }

  Workload start() throws InterruptedException {
    String url = daemon == null ? Bytes.latin1(dst) : daemon.url();
    var s = EngineSettings.builder("wl", src).stateDir(Trees.path(Trees.tempDir("wl-state"))).maxHold(MAX_HOLD).build();
    replicator = Replicator.start(s, List.of(RsyncTransport.open(src, url, TargetOptions.defaults())), null);
    return this;
  }

  byte[] src(String rel) {
    return rel.isEmpty() ? src : Bytes.child(src, Bytes.of(rel));
  }

  byte[] work(String rel) {
    return Bytes.child(work, Bytes.of(rel));
  }

  /** Runs a tool to its end (exit 0 expected) in {@code dir}; returns its output. */
  static String run(byte[] dir, String... command) throws IOException, InterruptedException {
    var pb = new ProcessBuilder(command).directory(Trees.path(dir).toFile()).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("HOME", Bytes.latin1(dir));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + ": did not end");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + text);
    return text;
  }

  /** {@code sh -c script} in the source. */
  String sh(String script) throws IOException, InterruptedException {
    return run(src, "sh", "-ec", script);
  }

  /**
   * Waits until the target equals the source (bytes, symlinks, modes, mtimes of files and
   * directories) and returns the seconds it took from the call, i.e. from the tool's end.
   */
  double awaitEqual(Trees.Ignore... ignore) throws InterruptedException {
    long t0 = System.nanoTime();
    Trees.awaitSameTree(src, dst, CONVERGE, ignore);
    return (System.nanoTime() - t0) / 1e9;
  }

  Replicator replicator() {
    return replicator;
  }

  @Override
  public void close() throws InterruptedException {
    if (replicator != null) replicator.stop(Duration.ofSeconds(10));
    if (daemon != null) daemon.close();
    for (byte[] d : List.of(src, dst, work)) Trees.delete(d);
  }

  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }

  static Path path(byte[] p) {
    return Trees.path(p);
  }
}
