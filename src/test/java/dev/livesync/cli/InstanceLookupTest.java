package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.Exit;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How {@code status} and {@code stop} find the livesync they are asked about, end to end in child
 * JVMs: one that is stopped with SIGSTOP (they hung without end), one whose config's status_socket a
 * reload changed (they said "not running", exit 0), a config file that no longer loads (they refused
 * with exit 78), and the last verify of a run with a state dir of its own ("never").
 */
class InstanceLookupTest {
  @RegisterExtension final Workspace ws = new Workspace("instance-lookup");
  final Path work = ws.dir();
  /** The default state dir of the commands asking: empty, so only the running process's can hold a verify record. */
  final Map<String, String> env = Map.of("LIVESYNC_STATE_DIR", work.resolve("default-state").toString(),
      "LIVESYNC_RUNTIME_DIR", work.resolve("runtime").toString());

  LivesyncProcess livesync(List<String> args) {
    return ws.livesync(args, env);
  }

  /** A short command (status, stop, verify) run to its end: its exit code, output in {@code p.output()}. */
  LivesyncProcess command(String... args) throws InterruptedException {
    var p = livesync(List.of(args));
    p.awaitExit(Duration.ofSeconds(40)); // fails (after killing it) when it does not return
    return p;
  }

  @Test
  void aLivesyncThatDoesNotAnswerIsSaidToAndStopEndsItAfterItsTimeout() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    String socket = work.resolve("s.sock").toString();
    var run = livesync(List.of("run", src.toString(), dst.toString(), "--name", "www", "--state-dir", work.resolve("state").toString(),
        "--status-socket", socket));
    run.awaitOutput("running:", CONVERGE);
    run.signal("STOP");
    ws.closing(() -> { if (run.alive()) run.signal("CONT"); }); // before it is closed (closing runs in reverse)
    var status = command("status", "--status-socket", socket);
    assertThat(status.awaitExit(Duration.ZERO)).as(status.output()).isEqualTo(Exit.NO_ANSWER);
    assertThat(status.output().strip().lines().toList()).as(status.output()).hasSize(1);
    assertThat(status.output()).contains("livesync (pid " + run.pid() + ") does not answer on " + socket);

    var stop = command("stop", "--status-socket", socket, "--timeout", "2s");
    assertThat(stop.awaitExit(Duration.ZERO)).as(stop.output()).isEqualTo(Exit.FAILED);
    assertThat(stop.output()).contains("pid " + run.pid() + " did not finish draining within 2s and was killed (SIGKILL)");
    assertThat(run.alive()).isFalse();
  }

  @Test
  void aReloadThatMovesTheSocketAndABrokenConfigStillLetStatusAndStopFindIt() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Path first = work.resolve("first.sock"), second = work.resolve("second.sock");
    String syncs = "[[sync]]\nname = \"www\"\nsource = \"" + src + "\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n";
    String top = "state_dir = \"" + work.resolve("state") + "\"\n";
    Path config = Files.writeString(work.resolve("c.toml"), top + "status_socket = \"" + first + "\"\n" + syncs);
    var run = livesync(List.of("run", "--config", config.toString()));
    run.awaitOutput("running:", CONVERGE);

    Files.writeString(config, top + "status_socket = \"" + second + "\"\nlog_level = \"debug\"\n" + syncs);
    run.signal("HUP");
    run.awaitOutput("they take effect at the next restart", CONVERGE);
    assertThat(run.output()).contains("SIGHUP: top-level settings changed: log_level, status_socket; they take effect at the next restart");

    var status = command("status", "--config", config.toString());
    assertThat(status.awaitExit(Duration.ZERO)).as(status.output()).isZero();
    assertThat(status.output()).contains("livesync is running (pid " + run.pid())
        .contains("livesync (pid " + run.pid() + ") answers on " + first + ", not on " + second);

    Files.writeString(config, top + "status_socket = \"" + first + "\"\nbogus = 1\n" + syncs); // a key it does not know: exit 78 for run
    var broken = command("status", "--config", config.toString());
    assertThat(broken.awaitExit(Duration.ZERO)).as(broken.output()).isZero();
    assertThat(broken.output()).contains("livesync status: warning: ").contains("unknown key 'bogus'").contains("livesync is running (pid " + run.pid());

    Files.writeString(config, top + "status_socket = \"" + second + "\"\nbogus = 1\n" + syncs);
    var stop = command("stop", "--config", config.toString());
    assertThat(stop.awaitExit(Duration.ZERO)).as(stop.output()).isZero();
    assertThat(stop.output()).contains("livesync stopped (pid " + run.pid());
    assertThat(run.awaitExit(CONVERGE)).isZero();
  }

  @Test
  void statusShowsTheLastVerifyOfTheRunsOwnStateDir() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Files.writeString(src.resolve("a"), "a");
    Path state = work.resolve("own-state");
    String socket = work.resolve("s.sock").toString();
    var run = livesync(List.of("run", src.toString(), dst.toString(), "--name", "www", "--state-dir", state.toString(), "--status-socket", socket));
    run.awaitOutput("full sync (start) done", CONVERGE);
    var verify = command("verify", src.toString(), dst.toString(), "--state-dir", state.toString());
    assertThat(verify.awaitExit(Duration.ZERO)).as(verify.output()).isZero();
    assertThat(state.resolve("last-verify.json")).exists();

    var status = command("status", "--status-socket", socket);
    assertThat(status.awaitExit(Duration.ZERO)).as(status.output()).isZero();
    assertThat(status.output()).contains("last verify: ").contains("target == source (1 target)").doesNotContain("never");
  }
}
