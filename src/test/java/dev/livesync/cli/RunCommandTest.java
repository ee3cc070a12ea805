package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.Trees;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code livesync run} end to end, in a child JVM: real inotify, real rsync, a real rsync daemon,
 * real signals. Convergence is checked by comparing trees, never by timing.
 */
class RunCommandTest {
  static final Duration EXIT = Duration.ofSeconds(60);
  @RegisterExtension final Workspace ws = new Workspace("run-test");
  final Path work = ws.dir();

  byte[] dir(String name) throws Exception {
    return Bytes.of(Files.createDirectories(work.resolve(name)).toString());
  }

  static String s(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  LivesyncProcess run(List<String> args) {
    return ws.livesync(args);
  }

  /** The flags every run in this class gets: a private state dir and status socket, short delay. */
  List<String> common() {
    return List.of("--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString(),
        "--delay", "50ms", "--stop-timeout", "20s");
  }

  @Test
  void replicatesToALocalDirectoryAndExitsZeroOnSigterm() throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    Trees.write(at(src, "before/a.txt"), "present at start");
    Trees.write(at(dst, "stale.txt"), "only at the target: deleted by the initial sync");
    // the target backs this source up (it has one of its files): a full sync that left nothing of a
    // target would be held as a mistake upstream (an empty or wrong source), not carried out
    Trees.write(at(dst, "before/a.txt"), "present at start");
    List<String> args = new ArrayList<>(List.of("run", s(src), s(dst)));
    args.addAll(common());
    var p = run(args);
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);

    Trees.write(at(src, "live/new.txt"), "created while running");
    Trees.append(at(src, "before/a.txt"), Bytes.of(" + appended"));
    Trees.chmod(at(src, "before/a.txt"), 0600);
    dev.livesync.fs.Libc.rename(at(src, "live"), at(src, "moved"));
    Trees.write(at(src, "gone"), "short-lived");
    Trees.delete(at(src, "gone"));
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);

    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
    assertThat(p.output()).contains("stopped");
  }

  @Test
  void wrongPasswordExitsFiveNamingAuthentication() throws Exception {
    byte[] src = dir("src"), module = dir("module");
    Trees.write(at(src, "f"), "f");
    var daemon = RsyncDaemon.builder(Trees.path(module)).auth("backup", "right-password").start();
    ws.closing(daemon);
    Path wrong = TempFiles.privateFile(work.resolve("wrong.password"), "not-the-password\n");
    List<String> args = new ArrayList<>(List.of("run", s(src), daemon.url(), "--password-file", wrong.toString()));
    args.addAll(common());
    var p = run(args);
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(5);
    assertThat(p.output()).containsIgnoringCase("authentication").contains("backup").doesNotContain("not-the-password");
    assertThat(Trees.list(module)).isEmpty();
  }

  @Test
  void missingSourceExitsTwoNamingIt() throws Exception {
    byte[] dst = dir("dst");
    String missing = work.resolve("no-such-source").toString();
    List<String> args = new ArrayList<>(List.of("run", missing, s(dst)));
    args.addAll(common());
    var p = run(args);
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains(missing).contains("does not exist");
  }

  @Test
  void badConfigExits78WithFileLineAndColumn() throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    Path cfg = work.resolve("livesync.toml");
    Files.writeString(cfg, String.join("\n",
        "[[sync]]",
        "name = \"one\"",
        "source = \"" + s(src) + "\"",
        "dleay = \"50ms\"",
        "  [[sync.target]]",
        "  url = \"" + s(dst) + "\"",
        ""));
    var p = run(List.of("run", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString()));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(78);
    assertThat(p.output()).containsPattern(java.util.regex.Pattern.quote(cfg.toString()) + ":4:\\d+").contains("dleay");
  }

  /** The config's log_level is the level unless --log-level is given (the flag's own default did hide it). */
  @Test
  void configLogLevelIsUsedAndTheFlagWinsOverIt() throws Exception {
    byte[] src = dir("src"), dst = dir("dst");
    Trees.write(at(src, "f"), "f");
    Path cfg = work.resolve("livesync.toml");
    Files.writeString(cfg, String.join("\n", "log_level = \"debug\"", "state_dir = \"" + work.resolve("state") + "\"", "[[sync]]",
        "name = \"one\"", "source = \"" + s(src) + "\"", "  [[sync.target]]", "  url = \"" + s(dst) + "\"", ""));
    List<String> base = List.of("run", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString());
    var p = run(base);
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    p.awaitOutput("running:", CONVERGE);
    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
    assertThat(p.output()).contains(" DEBUG ");

    List<String> flagged = new ArrayList<>(base);
    flagged.addAll(List.of("--log-level", "warn"));
    var q = run(flagged);
    Trees.write(at(src, "g"), "g");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    q.signal("TERM");
    assertThat(q.awaitExit(EXIT)).as(q.output()).isZero();
    assertThat(q.output()).doesNotContain(" DEBUG ").doesNotContain(" INFO ");
  }

  @Test
  void sighupWithAChangedConfigStartsTheNewSyncAndKeepsTheOldOne() throws Exception {
    byte[] src1 = dir("src1"), dst1 = dir("dst1"), src2 = dir("src2"), dst2 = dir("dst2");
    Trees.write(at(src1, "one.txt"), "first sync");
    Trees.write(at(src2, "two.txt"), "second sync, added by the reload");
    Path cfg = work.resolve("livesync.toml");
    Files.writeString(cfg, config(List.<String[]>of(new String[] {"one", s(src1), s(dst1)})));
    var p = run(List.of("run", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString()));
    Trees.awaitSameTree(src1, dst1, CONVERGE, Trees.Ignore.DIR_MTIMES);
    p.awaitOutput("running:", CONVERGE);
    assertThat(Trees.list(dst2)).isEmpty();

    Files.writeString(cfg, config(List.<String[]>of(new String[] {"one", s(src1), s(dst1)}, new String[] {"two", s(src2), s(dst2)})));
    p.signal("HUP");
    Trees.awaitSameTree(src2, dst2, CONVERGE, Trees.Ignore.DIR_MTIMES);
    Trees.write(at(src1, "after-reload.txt"), "the unchanged sync still runs");
    Trees.write(at(src2, "live.txt"), "the new sync watches too");
    Trees.awaitSameTree(src1, dst1, CONVERGE, Trees.Ignore.DIR_MTIMES);
    Trees.awaitSameTree(src2, dst2, CONVERGE, Trees.Ignore.DIR_MTIMES);
    assertThat(p.output()).doesNotContain("sync 'one': changed").contains("SIGHUP");

    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
  }

  /**
   * A SIGHUP whose config has an error leaves the running syncs as they were; it was said only in the
   * log, so 'systemctl reload' and 'livesync status' looked as if the edit had taken. status says it
   * now, until a reload takes.
   */
  @Test
  void aSighupWithABadConfigIsSaidByStatusUntilAReloadTakes() throws Exception {
    byte[] src = dir("src1"), dst = dir("dst1");
    Trees.write(at(src, "one.txt"), "first sync");
    Path cfg = work.resolve("livesync.toml");
    String good = config(List.<String[]>of(new String[] {"one", s(src), s(dst)}));
    Files.writeString(cfg, good);
    Path sock = work.resolve("status.sock");
    var p = run(List.of("run", "--config", cfg.toString(), "--status-socket", sock.toString()));
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    p.awaitOutput("running:", CONVERGE);
    assertThat(status(sock, "--status-socket")).doesNotContain("CONFIG NOT RELOADED");

    Files.writeString(cfg, good.replace("delay = ", "dleay = "));
    p.signal("HUP");
    p.awaitOutput("not reloaded", CONVERGE);
    String q = java.util.regex.Pattern.quote(cfg.toString());
    assertThat(status(sock, "--status-socket")).containsPattern("\nCONFIG NOT RELOADED: SIGHUP at \\d\\d:\\d\\d:\\d\\d: " + q
        + " not reloaded, the running syncs continue unchanged: " + q + ":\\d+:\\d+: sync\\[0\\]\\.unknown key 'dleay'");
    assertThat(status(sock, "--json", "--status-socket")).contains("\"configProblem\" : \"SIGHUP at ");

    Files.writeString(cfg, good);
    p.signal("HUP");
    p.awaitOutput("SIGHUP: reloading", CONVERGE);
    assertThat(status(sock, "--status-socket")).doesNotContain("CONFIG NOT RELOADED");
    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
  }

  /** livesync status (its flags, then the socket), in-process; its exit code must be 0 (running). */
  private static String status(Path socket, String... flags) {
    java.io.StringWriter out = new java.io.StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(out));
    cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
    List<String> args = new ArrayList<>(List.of("status"));
    args.addAll(List.of(flags));
    args.add(socket.toString());
    assertThat(cl.execute(args.toArray(String[]::new))).as(out.toString()).isZero();
    return out.toString();
  }

  private String config(List<String[]> syncs) {
    var b = new StringBuilder("state_dir = \"" + work.resolve("state") + "\"\n");
    for (String[] s : syncs) {
      b.append("[[sync]]\nname = \"").append(s[0]).append("\"\nsource = \"").append(s[1]).append("\"\ndelay = \"50ms\"\n")
          .append("  [[sync.target]]\n  url = \"").append(s[2]).append("\"\n");
    }
    return b.toString();
  }

  /** CI saw "SIGHUP at 17:10: …" in status: the refused reload's time lost its seconds when they were 0. */
  @org.junit.jupiter.api.Test
  void aRefusedReloadsTimeAlwaysHasItsSeconds() {
    assertThat(RunCommand.clockTime(java.time.LocalTime.of(17, 10))).isEqualTo("17:10:00");
    assertThat(RunCommand.clockTime(java.time.LocalTime.of(9, 5, 7, 123_000_000))).isEqualTo("09:05:07");
  }
}
