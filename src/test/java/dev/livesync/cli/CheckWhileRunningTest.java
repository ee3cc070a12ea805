package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.Exit;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code run --check} of the config a running livesync runs — what a sysadmin does after editing it,
 * before the reload — checks the settings as the reload will, rather than answering "already
 * running": the socket, address and locks are that livesync's own. Another config answered on the
 * same socket is still refused (exit 75), and so is an edit that adds a target another livesync writes.
 */
class CheckWhileRunningTest {
  @RegisterExtension final Workspace ws = new Workspace("check-running-test");
  final Path work = ws.dir();

  LivesyncProcess livesync(List<String> args) {
    return ws.livesync(List.of(), args, Map.of());
  }

  Path config(String file, String state, String... syncs) throws Exception {
    var b = new StringBuilder("state_dir = \"" + work.resolve(state) + "\"\nstatus_socket = \"" + work.resolve("s.sock") + "\"\n");
    for (int i = 0; i < syncs.length; i += 2) {
      Path src = Files.createDirectories(work.resolve("src-" + syncs[i]));
      Files.writeString(src.resolve("f"), syncs[i]);
      b.append("[[sync]]\nname = \"").append(syncs[i]).append("\"\nsource = \"").append(src).append("\"\n  [[sync.target]]\n  url = \"")
          .append(syncs[i + 1]).append("\"\n");
    }
    Path cfg = work.resolve(file);
    Files.writeString(cfg, b.toString());
    return cfg;
  }

  record Checked(int exitCode, String output) {}

  Checked check(Path cfg) throws Exception {
    var p = livesync(List.of("run", "--check", "--config", cfg.toString()));
    int rc = p.awaitExit(CONVERGE);
    return new Checked(rc, p.output());
  }

  @Test
  void theRunningConfigEditedIsCheckedAsItsReloadWillCheckIt() throws Exception {
    Path cfg = config("livesync.toml", "state", "www", work.resolve("dst-www").toString());
    var running = livesync(List.of("run", "--config", cfg.toString(), "--stop-timeout", "5s"));
    running.awaitOutput("running:", CONVERGE);

    // unchanged, then with a sync added: settings OK, and said to be the reload's to take
    var same = check(cfg);
    assertThat(same.exitCode()).as(same.output()).isZero();
    assertThat(same.output()).contains("settings OK: 1 sync(s) in " + cfg + "; the livesync answering on " + work.resolve("s.sock")
        + " runs them: a reload takes these settings");
    config("livesync.toml", "state", "www", work.resolve("dst-www").toString(), "db", work.resolve("dst-db").toString());
    var added = check(cfg);
    assertThat(added.exitCode()).as(added.output()).isZero();
    assertThat(added.output()).contains("settings OK: 2 sync(s) in " + cfg);

    // a mistake in the edit is still said, with its exit code
    Files.writeString(cfg, Files.readString(cfg).replace("name = \"db\"", "name = \"db\"\nmax_delete = \"150%\""));
    var bad = check(cfg);
    assertThat(bad.exitCode()).as(bad.output()).isEqualTo(78);
    assertThat(bad.output()).contains("max_delete");

    // another config (its own state dir: none of its syncs runs there) on the same socket: refused as before
    Path other = config("other.toml", "other-state", "logs", work.resolve("dst-logs").toString());
    var refused = check(other);
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(Exit.ALREADY_RUNNING);
    assertThat(refused.output()).contains("another livesync is already running (it answers on " + work.resolve("s.sock"));

    // an edit adding a target that another livesync writes: the reload would be refused, and so is the check
    var second = livesync(List.of("run", work.resolve("src-www").toString(), work.resolve("dst-taken").toString(), "--name", "z",
        "--status-socket", work.resolve("z.sock").toString(), "--state-dir", work.resolve("z-state").toString(), "--stop-timeout", "5s"));
    second.awaitOutput("running:", CONVERGE);
    config("livesync.toml", "state", "www", work.resolve("dst-www").toString(), "db", work.resolve("dst-taken").toString());
    var taken = check(cfg);
    assertThat(taken.exitCode()).as(taken.output()).isEqualTo(Exit.ALREADY_RUNNING);
    assertThat(taken.output()).contains("target " + work.resolve("dst-taken") + " is already written by sync z (pid " + second.pid());
  }
}
