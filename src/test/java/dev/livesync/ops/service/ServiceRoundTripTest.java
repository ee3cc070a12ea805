package dev.livesync.ops.service;

import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusClient;
import dev.livesync.ops.status.StatusServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** start/status/stop with a real background process (a stand-in replicator) and a real socket. */
public class ServiceRoundTripTest {
  @TempDir Path tmp;
  private final List<ProcessHandle> started = new ArrayList<>();

  public record Result(int code, String out, String err) {}

  public static Result cli(String... args) {
    CommandLine cl = dev.livesync.cli.Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Result(cl.execute(args), out.toString(), err.toString());
  }

  @BeforeEach
  void dirs() {
    System.setProperty("livesync.runtime.dir", tmp.resolve("run").toString());
    System.setProperty("livesync.state.dir", tmp.resolve("state").toString());
  }

  @AfterEach
  void cleanup() {
    for (ProcessHandle h : started) {
      h.destroyForcibly();
    }
    System.clearProperty("livesync.runtime.dir");
    System.clearProperty("livesync.state.dir");
  }

  private static List<String> fake(long startingMillis, long drainMillis) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        FakeReplicator.class.getName(), Long.toString(startingMillis), Long.toString(drainMillis));
  }

  private long start(List<String> command) {
    long pid = BackgroundLauncher.start(command, ServiceFiles.defaults(), Duration.ofSeconds(60));
    ProcessHandle.of(pid).ifPresent(started::add);
    return pid;
  }

  @Test
  void startWaitsForRunningStatusReportsAndStopDrains() throws Exception {
    ServiceFiles files = ServiceFiles.defaults();
    long pid = start(fake(1500, 500));
    assertThat(Files.readString(files.pidFile()).trim()).isEqualTo(Long.toString(pid));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.socket()))).isEqualTo("rw-------");
    // the runtime dir start made (LIVESYNC_RUNTIME_DIR here): 0700 as documented, not the umask's 0755
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("run")))).isEqualTo("rwx------");
    // start returned only once the process said "running"
    assertThat(Json.read(StatusClient.fetch(files.socket()), "status").path("state").asText()).isEqualTo("running");

    Result status = cli("status");
    assertThat(status.code()).isZero();
    assertThat(status.out())
        .contains("livesync is running (pid " + pid)
        .contains("sync data: /data — running; watches 42 of 8192")
        .contains("-> rsync://u@127.0.0.1:1/m: ok; queue 2 items (5 paths), in flight 1; last success 3 s ago; lag 120 ms; failures 1")
        .contains("last verify: never");
    Result json = cli("status", "--json");
    assertThat(Json.read(json.out(), "status --json").path("syncs").get(0).path("targets").get(0).path("queuedItems").asInt()).isEqualTo(2);

    assertThatThrownBy(() -> start(fake(0, 0))).isInstanceOf(LivesyncException.class).hasMessageContaining("already running");

    Result stop = cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("livesync stopped (pid " + pid);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.readString(files.logFile())).contains("fake replicator starting", "draining", "drained");
    assertThat(files.pidFile()).doesNotExist();
    assertThat(files.socket()).doesNotExist();

    Result after = cli("status");
    assertThat(after.code()).isEqualTo(3);
    assertThat(after.out()).contains("livesync is not running");
    assertThat(cli("stop").out()).contains("livesync is not running");
  }

  @Test
  void theRealReplicatorStartsReplicatesReportsAndStops() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.writeString(src.resolve("before"), "before start");
    Result start = cli("start", src.toString(), dst.toString(), "--state-dir", tmp.resolve("journal").toString(), "--name", "web");
    assertThat(start.code()).as(start.err()).isZero();
    ServiceFiles files = ServiceFiles.defaults();
    long pid = Long.parseLong(Files.readString(files.pidFile()).trim());
    ProcessHandle.of(pid).ifPresent(started::add);
    // start returns once the initial sync has started (run is ready once watching): it ends soon after
    Await.until("before at the target", Duration.ofSeconds(30), () -> Files.exists(dst.resolve("before")), () -> cli("status").out());
    assertThat(dst.resolve("before")).hasContent("before start");

    Files.writeString(src.resolve("after"), "written while running");
    Await.until("after at the target", Duration.ofSeconds(30), () -> Files.exists(dst.resolve("after")), () -> cli("status").out());
    assertThat(dst.resolve("after")).hasContent("written while running");

    Result status = cli("status");
    assertThat(status.code()).isZero();
    assertThat(status.out()).contains("livesync is running (pid " + pid).contains("sync web: " + src + " — running")
        .contains("-> " + dst + ": ok");
    Result stop = cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("livesync stopped (pid " + pid);
    // the log is in the run's state dir (--state-dir), as start --help says
    Path log = tmp.resolve("journal/livesync.log");
    assertThat(start.out()).contains("; log: " + log + ";");
    assertThat(Files.readString(log)).contains("SIGTERM: stopping", "stopped");
  }

  /** start --config FILE: the log goes to the config's state_dir, not the default one, and start says where. */
  @Test
  void theLogOfAConfigGoesToItsStateDir() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path state = tmp.resolve("config-state");
    Path config = Files.writeString(tmp.resolve("c.toml"), "state_dir = \"" + state + "\"\n[[sync]]\nname = \"web\"\nsource = \"" + src
        + "\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n");
    Result start = cli("start", "--wait", "30s", "--config", config.toString());
    assertThat(start.code()).as(start.err()).isZero();
    long pid = Long.parseLong(Files.readString(ServiceFiles.defaults().pidFile()).trim());
    ProcessHandle.of(pid).ifPresent(started::add);
    Path log = state.resolve("livesync.log");
    assertThat(start.out()).contains("; log: " + log + ";").endsWith("; 'livesync status' shows progress\n"); // its socket is the default
    Result stop = cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(Files.readString(log)).contains("SIGTERM: stopping");
    assertThat(ServiceFiles.defaults().logFile()).doesNotExist();
  }

  /**
   * A livesync started on a socket of its own (run's --status-socket, or its config's status_socket):
   * start waited on the default socket, said "not running after 120 s" and stopped a run that was
   * running. Now it waits on the run's socket, writes no pidfile for it, and status and stop find it
   * there; another one on the default socket can run beside it. start's hint names the status command
   * that asks there (a bare 'livesync status' asks the default socket).
   */
  @Test
  void aLivesyncStartedOnASocketOfItsOwnIsWaitedForThere() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path socket = tmp.resolve("web.sock");
    Files.writeString(src.resolve("before"), "before start");
    Result start = cli("start", "--wait", "30s", src.toString(), dst.toString(), "--state-dir", tmp.resolve("journal").toString(),
        "--name", "web", "--status-socket", socket.toString());
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).endsWith("; 'livesync status --status-socket " + socket + "' shows progress\n");
    assertThat(ServiceFiles.defaults().pidFile()).as("the default instance's pidfile").doesNotExist();
    Result status = cli("status", "--status-socket", socket.toString());
    assertThat(status.code()).as(status.out()).isZero();
    long pid = Long.parseLong(status.out().replaceAll("(?s).*livesync is running \\(pid (\\d+).*", "$1"));
    ProcessHandle.of(pid).ifPresent(started::add);
    Await.until("before at the target", Duration.ofSeconds(30), () -> Files.exists(dst.resolve("before")), () -> cli("status", "--status-socket", socket.toString()).out());
    assertThat(cli("status").code()).as("nothing on the default socket").isEqualTo(3);
    Result stop = cli("stop", "--status-socket", socket.toString());
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("livesync stopped (pid " + pid);

    // the socket named by the config's status_socket: the config finds it
    Path own = tmp.resolve("own.sock");
    Path config = Files.writeString(tmp.resolve("own.toml"), "status_socket = \"" + own + "\"\nstate_dir = \"" + tmp.resolve("own-state")
        + "\"\n[[sync]]\nname = \"own\"\nsource = \"" + src + "\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n");
    start = cli("start", "--wait", "30s", "--config", config.toString());
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).endsWith("; 'livesync status --config " + config + "' shows progress\n");
    status = cli("status", "--config", config.toString());
    assertThat(status.code()).as(status.out()).isZero();
    pid = Long.parseLong(status.out().replaceAll("(?s).*livesync is running \\(pid (\\d+).*", "$1"));
    ProcessHandle.of(pid).ifPresent(started::add);
    assertThat(status.out()).contains("sync own: " + src + " — running");
    assertThat(cli("status").code()).as("nothing on the default socket").isEqualTo(3);
    stop = cli("stop", "--config", config.toString());
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(stop.out()).contains("livesync stopped (pid " + pid);
  }

  /** kill -9 (or a crash): status says that the replicator start began is gone, and where to look. */
  @Test
  void statusSaysWhenTheStartedReplicatorEndedWithoutStop() throws Exception {
    long pid = start(fake(0, 0));
    ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
    h.destroyForcibly();
    h.onExit().get();
    Result status = cli("status");
    assertThat(status.code()).isEqualTo(3);
    assertThat(status.out()).contains("livesync is not running")
        .contains("the livesync 'livesync start' started (pid " + pid + ", " + ServiceFiles.defaults().pidFile() + ") has ended without 'livesync stop'")
        .contains(ServiceFiles.defaults().logFile().toString());
    // asked with the config it was started with: the log in that config's state_dir, not the default one
    Path config = Files.writeString(tmp.resolve("state-dir.toml"), "state_dir = \"" + tmp.resolve("cfg-state") + "\"\n[[sync]]\nname = \"s\"\nsource = \""
        + tmp + "\"\n  [[sync.target]]\n  url = \"" + tmp.resolve("nowhere") + "\"\n");
    Result asked = cli("status", "--config", config.toString());
    assertThat(asked.out()).as(asked.err()).contains("has ended without 'livesync stop'")
        .contains("(" + tmp.resolve("cfg-state").resolve(ServiceFiles.LOG) + " unless started with --log-file)");
    assertThat(cli("stop").out()).contains("livesync is not running");
    assertThat(cli("status").out()).doesNotContain("has ended"); // stop removed the stale pidfile
  }

  /** A kill (SIGTERM) from elsewhere is a stop too: the run drains and takes its pidfile with it, and status does not call it a crash. */
  @Test
  void aReplicatorStoppedByKillTakesItsPidfileAlong() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src-kill")), dst = Files.createDirectories(tmp.resolve("dst-kill"));
    Result start = cli("start", "--wait", "30s", src.toString(), dst.toString(), "--state-dir", tmp.resolve("state-kill").toString());
    assertThat(start.code()).as(start.err()).isZero();
    long pid = Long.parseLong(Files.readString(ServiceFiles.defaults().pidFile()).strip());
    ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
    started.add(h);
    h.destroy();
    h.onExit().get();
    assertThat(ServiceFiles.defaults().pidFile()).doesNotExist();
    Result status = cli("status");
    assertThat(status.code()).isEqualTo(3);
    assertThat(status.out()).contains("livesync is not running").doesNotContain("has ended");
  }

  @Test
  void stopReportsWhenItHadToKill() throws Exception {
    long pid = start(fake(0, 120_000));
    Result stop = cli("stop", "--timeout", "1s");
    assertThat(stop.code()).isEqualTo(1);
    assertThat(stop.err()).contains("pid " + pid + " did not finish draining within 1s and was killed (SIGKILL)");
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  /** start checks its arguments as run --check does: its errors were said as "livesync run: ..." to a user who typed start. */
  @Test
  void startSaysItsCheckUnderItsOwnName() throws Exception {
    Path cfg = Files.writeString(tmp.resolve("c.toml"), "[[sync]]\nsource = \"" + tmp.resolve("no-such-dir") + "\"\n  [[sync.target]]\n"
        + "  url = \"" + tmp.resolve("backup") + "\"\n");
    Result r = cli("start", "--config", cfg.toString());
    assertThat(r.code()).isEqualTo(dev.livesync.Exit.CONFIG);
    assertThat(r.err()).isEqualTo("livesync start: " + cfg + ":2:1: sync[0].source: does not exist\n");
    Result flag = cli("start", "--bogus");
    assertThat(flag.code()).isEqualTo(dev.livesync.Exit.USAGE);
    assertThat(flag.err()).startsWith("livesync start: unknown option --bogus\n").doesNotContain("livesync run:");
    assertThat(ServiceFiles.defaults().pidFile()).doesNotExist();
  }

  /** stop --config with a typo (a missing file, a directory) stopped the livesync of the default socket, which it does not name. */
  @Test
  void stopWithAConfigThatCannotBeReadStopsNoOtherLivesync() throws Exception {
    long pid = start(fake(0, 0));
    for (Path config : List.of(tmp.resolve("typo.toml"), tmp)) {
      Result stop = cli("stop", "--config", config.toString());
      assertThat(stop.code()).as(stop.out() + stop.err()).isEqualTo(dev.livesync.Exit.CONFIG);
      assertThat(stop.err()).contains("no livesync runs it").doesNotContain("warning");
      assertThat(stop.out()).doesNotContain("stopped");
      Result status = cli("status", "--config", config.toString());
      assertThat(status.code()).as(status.out() + status.err()).isEqualTo(dev.livesync.Exit.CONFIG);
      assertThat(status.out()).doesNotContain("running");
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isTrue();
    assertThat(cli("stop").code()).isZero();
  }

  /** status of a hung livesync named by --status-socket said "'livesync stop' ends it": a bare stop asks the default socket. */
  @Test
  void aHungLivesyncIsToBeStoppedAsItWasNamed() throws Exception {
    long pid = start(fake(0, 0));
    Path socket = ServiceFiles.defaults().socket();
    dev.livesync.testing.Processes.run(List.of("kill", "-STOP", Long.toString(pid)));
    try {
      Result status = cli("status", "--status-socket", socket.toString());
      assertThat(status.code()).as(status.out() + status.err()).isEqualTo(dev.livesync.Exit.NO_ANSWER);
      assertThat(status.out()).contains("(stopped or hung; 'livesync stop --status-socket " + socket + "' ends it)");
    } finally {
      dev.livesync.testing.Processes.run(List.of("kill", "-CONT", Long.toString(pid)));
    }
    assertThat(cli("stop", "--status-socket", socket.toString()).code()).isZero();
  }

  @Test
  void aFailedStartIsReportedWithTheLogTail() throws Exception {
    // the log is appended to: what an earlier run said last is not this start's reason
    Files.createDirectories(ServiceFiles.defaults().logFile().getParent());
    Files.writeString(ServiceFiles.defaults().logFile(), "an earlier run's last words\n");
    assertThatThrownBy(() -> start(fake(-1, 0)))
        .isInstanceOf(LivesyncException.class)
        .hasMessageContaining("livesync exited with code 4 before it was running")
        .hasMessageContaining("cannot watch /nonexistent: no such directory")
        .message().doesNotContain("an earlier run's last words");
    assertThat(ServiceFiles.defaults().pidFile()).doesNotExist();
  }

  /**
   * Two starts at once: both find nobody on the socket; the other one's replicator answers first and
   * this one's, finding the sync taken, exits 75. Here this start's child brings the other up itself,
   * then exits 75 as run does. Already running (75), and no pidfile naming the child that exited.
   */
  @Test
  void aStartThatLosesTheRaceToAnotherSaysAlreadyRunning() {
    Path sock = ServiceFiles.defaults().socket();
    String other = String.join(" ", fake(0, 0).stream().map(a -> "'" + a + "'").toList());
    List<String> loser = List.of("sh", "-c", other + " >/dev/null 2>&1 & while [ ! -S '" + sock + "' ]; do sleep 0.05; done; exit 75");
    try {
      assertThatThrownBy(() -> start(loser))
          .isInstanceOf(LivesyncException.class)
          .hasMessageContaining("already running")
          .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(dev.livesync.Exit.ALREADY_RUNNING));
      assertThat(ServiceFiles.defaults().pidFile()).doesNotExist();
    } finally {
      Await.until("the other start's replicator answers", Await.CONVERGE, () -> StatusClient.listening(sock), () -> "");
      try {
        ProcessHandle.of(Json.read(StatusClient.fetch(sock), "status").path("pid").asLong()).ifPresent(started::add);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void aStaleSocketFileIsReplaced() throws Exception {
    Path sock = tmp.resolve("run/livesync.sock");
    try (StatusServer first = StatusServer.start(sock, () -> "{\"state\":\"running\"}")) {
      assertThat(StatusClient.fetch(sock)).isEqualTo("{\"state\":\"running\"}");
      assertThatThrownBy(() -> StatusServer.start(sock, () -> "{}")).hasMessageContaining("already running");
    }
    // left behind by a crash (kill -9): the socket file stays, nobody answers on it
    try (var dead = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      dead.bind(java.net.UnixDomainSocketAddress.of(sock));
    }
    assertThat(sock).exists();
    try (StatusServer second = StatusServer.start(sock, () -> "{\"n\":2}")) {
      assertThat(StatusClient.fetch(sock)).isEqualTo("{\"n\":2}");
    }
  }

  /** Only a socket is stale: a file at the socket's path is someone's, refused and kept (it used to be deleted). */
  @Test
  void aFileAtTheSocketsPathIsNotReplaced() throws Exception {
    Path sock = Files.createDirectories(tmp.resolve("run")).resolve("livesync.sock");
    Files.writeString(sock, "someone's notes\n");
    assertThatThrownBy(() -> StatusServer.start(sock, () -> "{}"))
        .hasMessage("cannot open the status socket " + sock + ": is a regular file, not a socket: livesync only replaces a socket that a"
            + " stopped livesync left; give a path where nothing is yet");
    assertThat(sock).hasContent("someone's notes\n");
  }
}
