package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Trees;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGHUP with a config file edited in ways a reload must not act on at once: a new state_dir (read at
 * start, like the other top-level keys), and a sync whose new target another livesync already writes.
 * Real child JVMs, real inotify and rsync, real signals; convergence by comparing trees.
 */
class ReloadTest {
  static final Duration EXIT = Duration.ofSeconds(60);
  @RegisterExtension final Workspace ws = new Workspace("reload-test");
  final Path work = ws.dir();

  LivesyncProcess run(List<String> args) {
    return ws.livesync(args);
  }

  byte[] dir(String name) throws Exception {
    return dev.livesync.fs.Bytes.of(Files.createDirectories(work.resolve(name)).toString());
  }

  static String s(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String config(Path stateDir, String name, byte[] src, byte[] dst) {
    return "state_dir = \"" + stateDir + "\"\n[[sync]]\nname = \"" + name + "\"\nsource = \"" + s(src) + "\"\ndelay = \"50ms\"\n"
        + "  [[sync.target]]\n  url = \"" + s(dst) + "\"\n";
  }

  /**
   * The log says a changed state_dir takes effect at the next restart; the reload restarted the
   * unchanged sync anyway, in the new state dir, leaving its journal, clean-stop record and held
   * deletions in the old one.
   */
  @Test
  void aChangedStateDirWaitsForTheRestartAndLeavesTheSyncsRunning() throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    Trees.write(at(src, "one.txt"), "one");
    Path cfg = work.resolve("livesync.toml");
    Path before = work.resolve("state-before"), after = work.resolve("state-after");
    Files.writeString(cfg, config(before, "one", src, dst));
    var p = run(List.of("run", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString(), "--stop-timeout", "10s"));
    p.awaitOutput("running:", CONVERGE);
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);

    Files.writeString(cfg, config(after, "one", src, dst));
    p.signal("HUP");
    p.awaitOutput("top-level settings changed: state_dir", CONVERGE);
    Trees.write(at(src, "two.txt"), "still replicated after the reload");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    assertThat(p.output()).doesNotContain("sync 'one': changed in the config");
    assertThat(after.resolve("one")).doesNotExist();
    assertThat(before.resolve("one").resolve("lock")).exists();

    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
  }

  /**
   * A reload that points a sync at a target another livesync writes stopped the sync and then could
   * not start it: its source went unreplicated, said by one log line, while status showed neither
   * the sync nor a problem. The reload is refused as a bad file is: the running syncs go on unchanged
   * and status says why.
   */
  @Test
  void aReloadOntoATargetAnotherLivesyncWritesIsRefusedAndTheSyncKeepsRunning() throws Exception {
    byte[] src = dir("src"), dst = dir("dst"), otherSrc = dir("other-src"), taken = dir("taken");
    Trees.write(at(src, "one.txt"), "one");
    Trees.write(at(otherSrc, "other.txt"), "the other livesync's");
    var other = run(List.of("run", s(otherSrc), s(taken), "--name", "other", "--state-dir", work.resolve("other-state").toString(),
        "--status-socket", work.resolve("other.sock").toString(), "--delay", "50ms", "--stop-timeout", "10s"));
    other.awaitOutput("running:", CONVERGE);

    Path cfg = work.resolve("livesync.toml");
    Path state = work.resolve("state");
    Files.writeString(cfg, config(state, "one", src, dst));
    Path sock = work.resolve("status.sock");
    var p = run(List.of("run", "--config", cfg.toString(), "--status-socket", sock.toString(), "--stop-timeout", "10s"));
    p.awaitOutput("running:", CONVERGE);
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);

    Files.writeString(cfg, config(state, "one", src, taken));
    p.signal("HUP");
    p.awaitOutput("not reloaded", CONVERGE);
    assertThat(p.output()).contains("sync 'one' could not start: target " + s(taken) + " is already written by sync other (pid " + other.pid() + ")")
        .doesNotContain("sync 'one': changed in the config");
    assertThat(status(sock)).contains("CONFIG NOT RELOADED: ").contains("sync one: " + s(src) + " — running");
    Trees.write(at(src, "two.txt"), "still replicated to the target it had");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    assertThat(work.resolve("taken").resolve("one.txt")).doesNotExist();
    assertThat(work.resolve("taken").resolve("two.txt")).doesNotExist();

    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
    other.signal("TERM");
    assertThat(other.awaitExit(EXIT)).as(other.output()).isZero();
  }

  /** livesync status --status-socket SOCKET, in-process; it must exit 0 (running). */
  private static String status(Path socket) {
    java.io.StringWriter out = new java.io.StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(out));
    cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    assertThat(cl.execute("status", "--status-socket", socket.toString())).as(out.toString()).isZero();
    return out.toString();
  }
}
