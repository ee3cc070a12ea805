package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ssh helpers of {@code livesync run} (connection master, rename shell) never outlive what they
 * serve: not a SIGTERM, not a SIGHUP restart of their sync, not a kill -9 of the JVM. Processes are
 * followed by pid; whatever a test finds still running it stops by pid.
 */
class SshHelpersLifecycleTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  final Path work = TempFiles.dir("ssh-life");
  final List<LivesyncProcess> procs = new ArrayList<>();
  final List<Long> survivors = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    for (LivesyncProcess p : procs) p.close();
    for (long pid : survivors) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    TempFiles.deleteTree(work);
  }

  private byte[] dir(String name) throws IOException {
    return Bytes.of(Files.createDirectories(work.resolve(name)).toString());
  }

  private static String s(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  private LivesyncProcess start(List<String> args) {
    var p = LivesyncProcess.start(args);
    procs.add(p);
    return p;
  }

  private List<String> runArgs(byte[] src, byte[] dst) {
    return List.of("run", s(src), "root@127.0.0.1:" + s(dst), "--ssh-key", SSHD.get().clientKey().toString(),
        "--ssh-port", Integer.toString(SSHD.get().port()), "--known-hosts", SSHD.get().knownHostsFile().toString(),
        "--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString(),
        "--delay", "50ms", "--stop-timeout", "20s");
  }

  /** A file sent, then renamed at the source: afterwards the master and the rename shell both run. */
  private static void sendAndRename(byte[] src, byte[] dst, String name) throws InterruptedException {
    Trees.write(at(src, name), "content of " + name);
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    try {
      Files.move(Trees.path(at(src, name)), Trees.path(at(src, name + ".renamed")));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  private record Helpers(ProcessHandle master, ProcessHandle shell, Path socketDir) {}

  /** The ssh master and rename shell among {@code jvm}'s descendants (waits for both, bounded). */
  private static Helpers helpers(ProcessHandle jvm) {
    return Await.value("an ssh master and a rename shell under pid " + jvm.pid(), Duration.ofSeconds(30), () -> {
      ProcessHandle master = null, shell = null;
      for (ProcessHandle h : jvm.descendants().toList()) {
        List<String> a = h.info().arguments().map(List::of).orElse(List.of());
        if (!h.info().command().orElse("").endsWith("/ssh")) continue;
        if (a.contains("-M")) master = h;
        else if (!a.isEmpty() && a.getLast().equals("sh")) shell = h;
      }
      if (master == null || shell == null) return null;
      String cp = master.info().arguments().map(List::of).orElseThrow().stream()
          .filter(x -> x.startsWith("ControlPath=")).findFirst().orElseThrow();
      return new Helpers(master, shell, Path.of(cp.substring("ControlPath=".length())).getParent());
    }, h -> h != null, h -> jvm.descendants().map(d -> d.info().commandLine().orElse("?")).toList());
  }

  /** Gone: no such pid, or a zombie (exited; whether anyone reaps it is init's business). */
  private static boolean gone(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  /** Waits (bounded) for every pid to be gone; returns those still running, which the test then stops. */
  private List<Long> awaitGone(List<Long> pids) throws InterruptedException {
    try {
      Await.until("pids " + pids + " gone", CONVERGE, () -> pids.stream().allMatch(SshHelpersLifecycleTest::gone), () -> "");
    } catch (AssertionError notAll) {
      // the caller asserts, naming those still running
    }
    List<Long> left = pids.stream().filter(p -> !gone(p)).toList();
    survivors.addAll(left);
    return left;
  }

  private static String describe(List<Long> pids) {
    return pids.stream().map(p -> p + " " + ProcessHandle.of(p).flatMap(h -> h.info().commandLine()).orElse("?")).toList().toString();
  }

  @Test
  void killMinus9OfTheJvmLeavesNoProcessBehind() throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    var p = start(runArgs(src, dst));
    p.awaitOutput("running:", CONVERGE);
    sendAndRename(src, dst, "a");
    Helpers h = helpers(p.handle());
    List<Long> tree = p.handle().descendants().map(ProcessHandle::pid).toList();
    assertThat(tree).contains(h.master().pid(), h.shell().pid());

    p.handle().destroyForcibly(); // SIGKILL: no shutdown hook, no close(); the helpers are on their own
    assertThat(p.awaitExit(CONVERGE)).isEqualTo(137);
    List<Long> left = awaitGone(tree);
    assertThat(left).as("processes the killed JVM started that are still running: " + describe(left)).isEmpty();
    // the master removed its socket when it exited; only the empty private directory stays behind
    assertThat(Files.exists(h.socketDir().resolve("cm"))).isFalse();
    TempFiles.deleteTree(h.socketDir());
  }

  @Test
  void sigtermStopsTheHelpersAndRemovesTheControlSocket() throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    var p = start(runArgs(src, dst));
    p.awaitOutput("running:", CONVERGE);
    sendAndRename(src, dst, "b");
    Helpers h = helpers(p.handle());
    assertThat(Files.isDirectory(h.socketDir())).isTrue();
    List<Long> tree = p.handle().descendants().map(ProcessHandle::pid).toList();

    p.signal("TERM");
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isZero();
    assertThat(awaitGone(tree)).isEmpty();
    assertThat(Files.exists(h.socketDir())).as("the transport was closed, not just orphaned").isFalse();
  }

  @Test
  void sighupRestartOfAChangedSyncStopsItsOldHelpers() throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    Path cfg = work.resolve("livesync.toml");
    Files.writeString(cfg, config(src, dst, "50ms"));
    var p = start(List.of("run", "--log-level=debug", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString()));
    p.awaitOutput("running:", CONVERGE);
    sendAndRename(src, dst, "c");
    Helpers old = helpers(p.handle());

    Files.writeString(cfg, config(src, dst, "60ms"));
    p.signal("HUP");
    p.awaitOutput("changed in the config; stopping it", CONVERGE);
    List<Long> left = awaitGone(List.of(old.master().pid(), old.shell().pid()));
    assertThat(left).as("the old sync's helpers after its restart: " + describe(left)).isEmpty();
    // the transport removes the directory just after its master is gone: wait for that too (bounded)
    Await.until("the old sync's ssh socket directory gone", Duration.ofSeconds(30), () -> !Files.exists(old.socketDir()), old::socketDir);
    assertThat(Files.exists(old.socketDir())).as("the old sync's ssh socket directory").isFalse();
    assertThat(p.alive()).isTrue();

    sendAndRename(src, dst, "d"); // the restarted sync has helpers of its own
    Helpers fresh;
    try {
      fresh = helpers(p.handle());
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nlivesync's output:\n" + p.output(), e);
    }
    assertThat(fresh.master().pid()).isNotEqualTo(old.master().pid());
    p.signal("TERM");
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isZero();
    assertThat(awaitGone(List.of(fresh.master().pid(), fresh.shell().pid()))).isEmpty();
  }

  private String config(byte[] src, byte[] dst, String delay) {
    return String.join("\n",
        "state_dir = \"" + work.resolve("state") + "\"",
        "[[sync]]",
        "name = \"one\"",
        "source = \"" + s(src) + "\"",
        "delay = \"" + delay + "\"",
        "  [[sync.target]]",
        "  url = \"root@127.0.0.1:" + s(dst) + "\"",
        "  ssh_key = \"" + SSHD.get().clientKey() + "\"",
        "  ssh_port = " + SSHD.get().port(),
        "  known_hosts = \"" + SSHD.get().knownHostsFile() + "\"",
        "");
  }
}
