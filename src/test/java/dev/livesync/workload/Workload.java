package dev.livesync.workload;

import static dev.livesync.testing.Trees.at;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.SshdPerClass;
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
 * local directory, an rsync daemon on loopback (chrooted, as {@code livesync serve} runs as root:
 * not chrooted, rsyncd strips the leading '/' of absolute symlink targets) or rsync over ssh to a
 * real sshd on loopback (the test class's {@link SshdPerClass}) — and the real tools that write
 * into it. Settings
 * are the defaults but for {@code max_hold}, set far above any bound a test waits for, so that a path
 * held as if still open for writing shows as a test failure, not as a slow pass.
 */
final class Workload implements AutoCloseable {
  enum Kind { LOCAL, DAEMON, SSH }

  /** Far above {@link Await#CONVERGE}: a path held until max_hold cannot pass as converged. */
  static final Duration MAX_HOLD = Duration.ofMinutes(5);

  final Kind kind;
  final byte[] src = Trees.tempDir("wl-src");
  final byte[] dst = Trees.tempDir("wl-dst");
  final byte[] work = Trees.tempDir("wl-work");
  private final RsyncDaemon daemon;
  private final SshdPerClass sshd;
  private Replicator replicator;
  private List<String> rsyncArgs = List.of();

  private Workload(Kind kind, SshdPerClass sshd) throws InterruptedException {
    if (kind == Kind.SSH && sshd == null) throw new IllegalArgumentException("an ssh workload needs the class's sshd");
    this.kind = kind;
    this.sshd = sshd;
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    daemon = kind == Kind.DAEMON ? RsyncDaemon.builder(Trees.path(dst)).moduleOption("use chroot", "yes").start() : null;
  }

  /** A source, a target of {@code kind}, nothing running yet: fill the source, then {@link #start()}. */
  static Workload of(Kind kind) throws InterruptedException {
    return new Workload(kind, null);
  }

  /** As {@link #of(Kind)}; an {@code SSH} target logs in as root to {@code sshd}. */
  static Workload of(Kind kind, SshdPerClass sshd) throws InterruptedException {
    return new Workload(kind, sshd);
  }

  /** rsync options the target adds (its {@code extra_args}), such as {@code -H}; before {@link #start()}. */
  Workload rsyncArgs(String... args) {
    rsyncArgs = List.of(args);
    return this;
  }

  Workload start() throws InterruptedException {
    String url = switch (kind) {
      case LOCAL -> Bytes.latin1(dst);
      case DAEMON -> daemon.url();
      case SSH -> "root@127.0.0.1:" + Bytes.latin1(dst);
    };
    var b = TargetOptions.builder().extraArgs(rsyncArgs);
    if (kind == Kind.SSH) b.ssh(sshd.get().clientKey(), sshd.get().port(), sshd.get().knownHostsFile());
    TargetOptions options = b.build();
    var s = EngineSettings.builder("wl", src).stateDir(Trees.path(Trees.tempDir("wl-state"))).maxHold(MAX_HOLD).build();
    replicator = Replicator.start(s, List.of(RsyncTransport.open(src, url, options)), null);
    return this;
  }

  byte[] src(String rel) {
    return rel.isEmpty() ? src : at(src, rel);
  }

  byte[] work(String rel) {
    return at(work, rel);
  }

  /** Runs a tool to its end (exit 0 expected) in {@code dir}; returns its output. */
  static String run(byte[] dir, String... command) throws IOException, InterruptedException {
    var pb = new ProcessBuilder(command).directory(Trees.path(dir).toFile()).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().put("HOME", "/nonexistent");
    for (String who : List.of("AUTHOR", "COMMITTER")) {
      pb.environment().put("GIT_" + who + "_NAME", "livesync test");
      pb.environment().put("GIT_" + who + "_EMAIL", "test@livesync.invalid");
    }
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

  /** {@code sh -ec script args...} in the source ($0 is the first arg). */
  String sh(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = list("sh", "-ec", script);
    cmd.addAll(List.of(args));
    return run(src, cmd.toArray(String[]::new));
  }

  /**
   * Waits until the target equals the source (bytes, symlinks, modes, mtimes of files and
   * directories, owners) and returns the seconds it took from the call, i.e. from the tool's end.
   */
  double awaitEqual(Trees.Ignore... ignore) throws InterruptedException {
    long t0 = System.nanoTime();
    Await.value("the target equal to the source, owners too", Await.CONVERGE, () -> {
      try {
        Trees.assertSameTree(src, dst, ignore);
        List<String> owners = ownerDifferences(src, dst, "");
        return owners.isEmpty() ? "" : "owners differ: " + owners.subList(0, Math.min(20, owners.size()));
      } catch (AssertionError e) {
        return e.getMessage();
      } catch (java.io.UncheckedIOException | dev.livesync.fs.NativeException e) {
        return "(the tree changed while it was compared: " + e + ")";
      }
    }, String::isEmpty);
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * After {@code tool} ended: waits until the target equals the source and appends the seconds to
   * target/tools-figures.txt (scripts/bench-tools reads it).
   */
  double converged(String tool) throws InterruptedException {
    double s = awaitEqual();
    String line = String.format(java.util.Locale.ROOT, "%s %s %.3f%n", tool, kind.name().toLowerCase(java.util.Locale.ROOT), s);
    System.out.print("converged: " + line);
    try {
      java.nio.file.Files.writeString(Path.of("target", "tools-figures.txt"), line, StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return s;
  }

  private static List<String> ownerDifferences(byte[] a, byte[] b, String rel) {
    List<String> out = new ArrayList<>();
    for (byte[] name : Trees.list(a)) {
      byte[] x = Bytes.child(a, name), y = Bytes.child(b, name);
      var sx = dev.livesync.fs.Libc.lstatOrNull(x);
      var sy = dev.livesync.fs.Libc.lstatOrNull(y);
      String shown = rel + Bytes.display(name);
      if (sx == null || sy == null) continue; // the tree comparison reports it
      if (sx.uid() != sy.uid() || sx.gid() != sy.gid())
        out.add(shown + ": " + sx.uid() + ":" + sx.gid() + " vs " + sy.uid() + ":" + sy.gid());
      if (sx.isDir() && sy.isDir()) out.addAll(ownerDifferences(x, y, shown + "/"));
    }
    return out;
  }

  /**
   * A small tree with what tools meet in real ones: nested directories, files of a few bytes to
   * 200 KB, modes 0600/0755, an old mtime, relative symlinks going up ("../", which GNU tar and
   * unzip extract late), an absolute one, a dangling one, and hard links.
   */
  static void sampleTree(byte[] root) throws IOException, InterruptedException {
    sampleTree(root, true);
  }

  /**
   * {@code hardLinks} false: without them (a change through one name of a hard-linked file has its
   * own test, {@link HardLinkEditsTest}).
   */
  static void sampleTree(byte[] root, boolean hardLinks) throws IOException, InterruptedException {
    var rnd = new java.util.Random(11);
    for (int i = 0; i < 60; i++) {
      byte[] data = new byte[i % 10 == 0 ? 200_000 : 10 + rnd.nextInt(3000)];
      rnd.nextBytes(data);
      Trees.write(at(root, "d" + i % 4 + "/sub" + i % 3 + "/f" + i + ".dat"), data);
    }
    Trees.write(at(root, "bin/run.sh"), "#!/bin/sh\necho run\n");
    Trees.chmod(at(root, "bin/run.sh"), 0755);
    Trees.write(at(root, "etc/secret.conf"), "key = value\n");
    Trees.chmod(at(root, "etc/secret.conf"), 0600);
    Trees.mkdirs(at(root, "links"));
    for (int i = 0; i < 20; i++) dev.livesync.fs.Libc.symlink(Bytes.of("../d" + i % 4 + "/sub" + i % 3 + "/f" + i + ".dat"), at(root, "links/up" + i));
    dev.livesync.fs.Libc.symlink(Bytes.of("sub0/f0.dat"), at(root, "d0/same-dir"));
    dev.livesync.fs.Libc.symlink(Bytes.of("/etc/hostname"), at(root, "links/absolute"));
    dev.livesync.fs.Libc.symlink(Bytes.of("../nowhere"), at(root, "links/dangling"));
    for (int i = 0; hardLinks && i < 5; i++) run(root, "ln", "d" + i % 4 + "/sub" + i % 3 + "/f" + i + ".dat", "links/hard" + i);
    Trees.setMtime(at(root, "etc/secret.conf"), 1_000_000_000L);
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
