package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.Exit;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One run per sync's state dir (its journals), end to end: a second {@code run} of the same sync is
 * refused with one line and exit 75 while the first runs — even with another status socket — and
 * starts once the first is gone, however it went (SIGTERM or SIGKILL). {@code run} and {@code doctor}
 * use the same state root ({@code LIVESYNC_STATE_DIR} here).
 */
class StateDirTest {
  @RegisterExtension final Workspace ws = new Workspace("statedir-test");
  final Path work = ws.dir();

  LivesyncProcess livesync(List<String> args, Map<String, String> env) {
    return ws.livesync(args, env);
  }

  List<String> run(Path src, Path dst, String socket) {
    return List.of("run", src.toString(), dst.toString(), "--name", "www", "--status-socket", work.resolve(socket).toString(),
        "--delay", "50ms", "--stop-timeout", "5s");
  }

  @Test
  void aSecondRunOfTheSameSyncIsRefusedUntilTheFirstIsGone() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Files.writeString(src.resolve("f"), "f");
    Path root = work.resolve("state");
    Map<String, String> env = Map.of("LIVESYNC_STATE_DIR", root.toString());
    var first = livesync(run(src, dst, "one.sock"), env);
    first.awaitOutput("running:", CONVERGE);
    assertThat(root.resolve("www/lock")).exists();

    var second = livesync(run(src, dst, "two.sock"), env);
    assertThat(second.awaitExit(CONVERGE)).as(second.output()).isEqualTo(Exit.ALREADY_RUNNING);
    assertThat(second.output()).contains("livesync run: sync www is already running (pid " + first.pid() + "): it holds the state dir "
        + root.resolve("www") + "; stop it first");
    // run --check says the same (it said "settings OK"), and leaves the first run's lock alone
    List<String> check = new ArrayList<>(run(src, dst, "check.sock"));
    check.add(1, "--check");
    var checked = livesync(check, env);
    assertThat(checked.awaitExit(CONVERGE)).as(checked.output()).isEqualTo(Exit.ALREADY_RUNNING);
    assertThat(checked.output()).contains("livesync run: sync www is already running (pid " + first.pid() + "): it holds the state dir ");
    assertThat(livesync(run(src, dst, "two.sock"), env).awaitExit(CONVERGE)).isEqualTo(Exit.ALREADY_RUNNING);

    first.signal("KILL"); // the kernel drops the lock with the process: no stale lock file to clean up
    first.awaitExit(CONVERGE);
    var third = livesync(run(src, dst, "three.sock"), env);
    third.awaitOutput("running:", CONVERGE);
    third.signal("TERM");
    assertThat(third.awaitExit(CONVERGE)).as(third.output()).isZero();
    var checkedAfter = livesync(check, env); // nothing holds it now
    assertThat(checkedAfter.awaitExit(CONVERGE)).as(checkedAfter.output()).isZero();
    var fourth = livesync(run(src, dst, "four.sock"), env);
    fourth.awaitOutput("running:", CONVERGE);
    fourth.signal("TERM");
    assertThat(fourth.awaitExit(CONVERGE)).as(fourth.output()).isZero();
  }

  @Test
  void doctorChecksTheStateDirRunUses() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Path root = work.resolve("elsewhere/state");
    var doctor = livesync(List.of("doctor", src.toString(), dst.toString()), Map.of("LIVESYNC_STATE_DIR", root.toString()));
    doctor.awaitExit(CONVERGE);
    assertThat(doctor.output()).contains("OK    state dir " + root + ": will be created");
  }
}
