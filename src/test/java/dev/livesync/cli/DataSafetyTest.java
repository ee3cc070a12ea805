package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Processes;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ways a new user lost data, end to end in a child JVM with real rsync and real directories: a
 * target reached through a symlink, a bind mount or ssh to this host into its source; targets inside
 * one another (one sync, or two syncs of a config); and a full sync's deletions, which the log must
 * count and {@code doctor} must foresee when the source is empty.
 */
class DataSafetyTest {
  /** How long a child JVM gets to refuse, exit or say something: the suite's ceiling for a loaded machine, not a figure. */
  static final Duration EXIT = dev.livesync.testing.Await.CONVERGE;
  @RegisterExtension final Workspace ws = new Workspace("safety-test");
  final Path work = ws.dir();

  Path dir(String name) throws Exception {
    return Files.createDirectories(work.resolve(name));
  }

  LivesyncProcess livesync(List<String> args) {
    return livesync(List.of(), args);
  }

  LivesyncProcess livesync(List<String> wrapper, List<String> args) {
    return ws.livesync(wrapper, args, Map.of());
  }

  List<String> run(String... args) {
    List<String> all = new ArrayList<>(List.of("run"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString(),
        "--delay", "50ms", "--stop-timeout", "10s"));
    return all;
  }

  /** src with a file, and link -> src. */
  Path sourceWithLink() throws Exception {
    Path src = dir("src");
    Files.writeString(src.resolve("a.txt"), "a");
    Files.createSymbolicLink(work.resolve("link"), src);
    return src;
  }

  @Test
  void aTargetReachedThroughASymlinkIntoTheSourceIsRefusedAndNothingIsCopied() throws Exception {
    Path src = sourceWithLink();
    String target = work.resolve("link/inner").toString();
    var p = livesync(run(src.toString(), target));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("livesync run: target " + target + ": is inside the source " + src + " (it is " + src.resolve("inner") + ")");
    assertThat(src.resolve("inner")).doesNotExist();
  }

  /**
   * A file named as a local target, or as a directory above one: an unquoted {@code --exclude *.log}
   * in a directory of logs leaves {@code --exclude a.log b.log}, and b.log is then a second target.
   * Refused before anything starts (rsync would fail at every attempt: "Not a directory").
   */
  @Test
  void aFileNamedAsALocalTargetIsRefused() throws Exception {
    Path src = sourceWithLink();
    Path log = work.resolve("b.log");
    Files.writeString(log, "a log line\n");
    var p = livesync(run("--check", src.toString(), dir("dst").toString(), "--exclude", "a.log", log.toString()));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("livesync run: target " + log + ": is a file, not a directory: a local target is the directory the source is copied into");
    var below = livesync(run("--check", src.toString(), log.resolve("sub").toString()));
    assertThat(below.awaitExit(EXIT)).as(below.output()).isEqualTo(2);
    assertThat(below.output()).contains("target " + log.resolve("sub") + ": " + log + " is a file, not a directory");
    assertThat(Files.readString(log)).isEqualTo("a log line\n");
  }

  @Test
  void aTargetThatContainsTheSourceThroughASymlinkIsRefused() throws Exception {
    Path src = dir("top/src");
    Files.createSymbolicLink(work.resolve("toplink"), work.resolve("top"));
    var p = livesync(run("--check", src.toString(), work.resolve("toplink").toString()));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("contains the source " + src);
  }

  @Test
  void anSshTargetOnThisHostIntoTheSourceIsRefused() throws Exception {
    Path src = sourceWithLink();
    String target = "root@127.0.0.1:" + work.resolve("link/inner");
    var p = livesync(run("--check", src.toString(), target));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("target " + target + ": is inside the source " + src + " (on this host, it is " + src.resolve("inner") + ")");
  }

  @Test
  void anSshTargetOnThisHostWithAPathRelativeToTheLoginsHomeIsRefused() throws Exception {
    Path src = sourceWithLink();
    Path home = Path.of(System.getProperty("user.home")).toAbsolutePath();
    String relative = home.relativize(work.resolve("link/inner")).toString(); // ../tmp/safety-test…/link/inner
    String target = "localhost:" + relative;
    var p = livesync(run("--check", src.toString(), target));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("target " + target + ": is inside the source " + src);
  }

  @Test
  void aTargetThroughABindMountOfTheSourceIsRefused() throws Exception {
    assumeTrue(canUnshareMounts(), "needs unshare -m (root, mount namespaces)");
    Path src = sourceWithLink();
    Path mnt = dir("mnt");
    String target = mnt.resolve("inner").toString();
    // the mount lives in the child's own mount namespace: it goes away with it
    List<String> wrapper = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
        "mount --bind '" + src + "' '" + mnt + "' && exec \"$@\"", "sh");
    var p = livesync(wrapper, run("--check", src.toString(), target));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("target " + target + ": is inside the source " + src);
  }

  @Test
  void aConfigTargetThroughASymlinkIsRefusedWhereItIsInTheFile() throws Exception {
    Path src = sourceWithLink();
    Path cfg = work.resolve("livesync.toml");
    Files.writeString(cfg, config(new String[] {"one", src.toString(), work.resolve("link/inner").toString()}));
    var p = livesync(List.of("run", "--check", "--config", cfg.toString()));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(78);
    assertThat(p.output()).containsPattern(Pattern.quote(cfg + ":") + "\\d+:\\d+: sync\\[0]\\.target\\[0]\\.url: is inside the source");
  }

  @Test
  void nestedAndRepeatedTargetsAreRefused() throws Exception {
    Path src = dir("src"), dst = dir("dst");
    Files.createSymbolicLink(work.resolve("dstlink"), dst);
    var nested = livesync(run("--check", src.toString(), dst.toString(), dst.resolve("inner").toString()));
    assertThat(nested.awaitExit(EXIT)).as(nested.output()).isEqualTo(2);
    assertThat(nested.output()).contains("target " + dst.resolve("inner") + ": is inside target " + dst);
    var twice = livesync(run("--check", src.toString(), dst.toString(), work.resolve("dstlink").toString()));
    assertThat(twice.awaitExit(EXIT)).as(twice.output()).isEqualTo(2);
    assertThat(twice.output()).contains("target " + work.resolve("dstlink") + ": is the same directory as target " + dst);
  }

  @Test
  void twoSyncsOfAConfigWhoseTargetsOverlapAreRefused() throws Exception {
    Path src1 = dir("src1"), src2 = dir("src2"), dst = dir("dst");
    Path cfg = work.resolve("livesync.toml");
    Files.writeString(cfg, config(new String[] {"one", src1.toString(), dst.toString()},
        new String[] {"two", src2.toString(), dst.resolve("two").toString()}));
    var p = livesync(List.of("run", "--check", "--config", cfg.toString()));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(78);
    assertThat(p.output()).containsPattern("sync\\[1]\\.target\\[0]\\.url: is inside target " + Pattern.quote(dst + " of sync one"));
  }

  @Test
  void doctorReportsATargetInsideTheSource() throws Exception {
    Path src = sourceWithLink();
    String target = work.resolve("link/inner").toString();
    var p = livesync(List.of("doctor", "--state-dir", work.resolve("state").toString(), src.toString(), target));
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(1);
    assertThat(p.output()).contains("FAIL  target " + target + ": is inside the source " + src);
    assertThat(src.resolve("inner")).doesNotExist();
  }

  @Test
  void aFullSyncsDeletionsAreLoggedWithTheirCount() throws Exception {
    Path src = dir("src"), dst = dir("dst");
    for (int i = 0; i < 5; i++) Files.writeString(dst.resolve("old" + i), "only at the target");
    // a file both have: a full sync that would leave nothing on the target is held (EmptySourceGuardTest)
    Files.writeString(src.resolve("kept"), "at both");
    Files.copy(src.resolve("kept"), dst.resolve("kept"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    var p = livesync(run(src.toString(), dst.toString()));
    p.awaitOutput("deleted 5 files on " + dst, EXIT);
    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
  }

  @Test
  void doctorWarnsWhenTheSourceIsEmptyAndItsTargetIsNot() throws Exception {
    Path src = dir("src"), dst = dir("dst");
    for (int i = 0; i < 3; i++) Files.writeString(dst.resolve("kept" + i), "only at the target");
    var p = livesync(List.of("doctor", "--state-dir", work.resolve("state").toString(), src.toString(), dst.toString()));
    p.awaitExit(EXIT);
    assertThat(p.output()).contains("WARN  source " + src + ": is empty and target " + dst
        + " is not: the first full sync would delete all 3 entries there (delete policy always), which the mass-deletion guard holds until"
        + " 'livesync release-deletes'");
    assertThat(dst.resolve("kept0")).exists();
  }

  /**
   * A source, or a local target, below a mount point of /etc/fstab where nothing is mounted (an NFS
   * share or a disk that did not come up at boot; here an fstab of the test's own): run refuses the
   * source, doctor says both; nothing is written under the target's mount point. (The engine waiting
   * for a target's disk and catching up: reliability/UnmountedTargetTest.)
   */
  @Test
  void aSourceOrATargetBelowAnUnmountedFstabMountPointIsSaid() throws Exception {
    Path share = dir("share"), usb = dir("usb"), src = dir("src");
    Files.createDirectories(share.resolve("data"));
    Files.writeString(src.resolve("a.txt"), "a");
    Files.writeString(work.resolve("fstab"), "server:/export " + share + " nfs defaults,_netdev 0 0\n/dev/sdz1 " + usb + " ext4 noauto 0 2\n");
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dlivesync.fstab=" + work.resolve("fstab"));
    var p = LivesyncProcess.start(List.of(), run("--check", share.resolve("data").toString(), work.resolve("dst").toString()), env);
    ws.closing(p);
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("livesync run: source " + share.resolve("data") + ": is below " + share
        + ", which /etc/fstab mounts, but nothing is mounted there");

    String target = usb.resolve("backup").toString();
    var d = LivesyncProcess.start(List.of(), List.of("doctor", "--state-dir", work.resolve("state").toString(), src.toString(), target), env);
    ws.closing(d);
    assertThat(d.awaitExit(EXIT)).as(d.output()).isEqualTo(1);
    assertThat(d.output()).contains("FAIL  target " + target + ": " + target + " is below " + usb
        + ", which /etc/fstab mounts, but nothing is mounted there: nothing is written until it is (mount " + usb + ")");
    assertThat(usb.resolve("backup")).doesNotExist();
  }

  /**
   * A status socket's path that names a file (or a directory): run used to replace the file with its
   * socket and delete it at stop, {@code --check} said OK. Refused by run, {@code --check} and the
   * config (one line, nothing touched), and {@code doctor} FAILs it; a stale socket is still replaced.
   */
  @Test
  void aStatusSocketPathNamingAFileOrADirectoryIsRefusedAndNothingThereIsTouched() throws Exception {
    Path src = dir("src"), dst = dir("dst");
    Path important = Files.writeString(work.resolve("important.txt"), "precious\n");
    Path impdir = dir("impdir");
    Files.writeString(impdir.resolve("x"), "x");
    List<String> common = List.of("--state-dir", work.resolve("state").toString(), "--delay", "50ms", "--stop-timeout", "5s");
    for (Path p : List.of(important, impdir)) {
      String kind = p.equals(important) ? "a regular file" : "a directory";
      List<String> args = new ArrayList<>(List.of("run", src.toString(), dst.toString(), "--status-socket", p.toString()));
      args.addAll(common);
      var r = livesync(args);
      assertThat(r.awaitExit(EXIT)).as(r.output()).isEqualTo(2);
      assertThat(r.output()).contains("livesync run: --status-socket " + p + ": is " + kind + ", not a socket: livesync only replaces a"
          + " socket that a stopped livesync left; give a path where nothing is yet\nSee 'livesync run --help'.");
      assertThat(r.output()).doesNotContain("cannot open the status socket");
    }
    Path cfg = Files.writeString(work.resolve("livesync.toml"), "state_dir = \"" + work.resolve("state") + "\"\nstatus_socket = \""
        + important + "\"\n" + config(new String[] {"one", src.toString(), dst.toString()}).substring(("state_dir = \"" + work.resolve("state") + "\"\n").length()));
    var c = livesync(List.of("run", "--check", "--config", cfg.toString()));
    assertThat(c.awaitExit(EXIT)).as(c.output()).isEqualTo(78);
    assertThat(c.output()).contains("livesync run: " + cfg + ":2:1: status_socket: is a regular file, not a socket");
    var d = livesync(List.of("doctor", "--config", cfg.toString()));
    assertThat(d.awaitExit(EXIT)).as(d.output()).isEqualTo(1);
    assertThat(d.output()).contains("FAIL  status socket " + important + ": is a regular file, not a socket");
    assertThat(important).hasContent("precious\n");
    assertThat(impdir.resolve("x")).hasContent("x");

    // a socket nobody answers on (a livesync killed) is replaced, and removed at stop
    Path stale = work.resolve("stale.sock");
    try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      ch.bind(java.net.UnixDomainSocketAddress.of(stale));
    }
    assertThat(stale).exists();
    List<String> args = new ArrayList<>(List.of("run", src.toString(), dst.toString(), "--status-socket", stale.toString()));
    args.addAll(common);
    var ok = livesync(args);
    ok.awaitOutput("running:", EXIT);
    ok.signal("TERM");
    assertThat(ok.awaitExit(EXIT)).as(ok.output()).isZero();
    assertThat(stale).doesNotExist();
  }

  /**
   * A state dir, or the log file, inside a target: the first full sync deleted the lock, the journal
   * and the held deletions ("deleted 5 files on dst"), and a second run of the sync then started beside
   * the first; --check said "settings OK" and doctor nothing. Refused by run (2, nothing deleted), the
   * config (78) and doctor, as inside a source; an exclude that leaves it out of the sync keeps it.
   */
  @Test
  void aStateDirOrLogFileInsideATargetIsRefusedAndNothingThereIsDeleted() throws Exception {
    Path src = dir("src"), dst = dir("dst");
    Files.writeString(src.resolve("a.txt"), "a");
    Path state = dst.resolve("state");
    Path kept = Files.writeString(Files.createDirectories(state.resolve("other")).resolve("journal"), "kept");
    List<String> common = List.of("--status-socket", work.resolve("status.sock").toString(), "--delay", "50ms", "--stop-timeout", "10s");
    List<String> args = new ArrayList<>(List.of("run", src.toString(), dst.toString(), "--state-dir", state.toString()));
    args.addAll(common);
    var p = livesync(args);
    assertThat(p.awaitExit(EXIT)).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains("livesync run: --state-dir " + state + ": is inside the target " + dst + ": the sync's full syncs"
        + " would delete its journal, lock and held deletions there, and a second run of the sync could then start beside it; choose a"
        + " state dir outside every target\nSee 'livesync run --help'.").doesNotContain("deleted");
    Path log = dst.resolve("livesync.log");
    args = new ArrayList<>(List.of("run", src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(), "--log-file",
        log.toString()));
    args.addAll(common);
    var l = livesync(args);
    assertThat(l.awaitExit(EXIT)).as(l.output()).isEqualTo(2);
    assertThat(l.output()).contains("livesync run: --log-file " + log + ": is inside the target " + dst + ": the sync's full syncs would"
        + " delete it, and livesync would log on into a deleted file; choose a log file outside every target");
    assertThat(log).doesNotExist();
    // the config, and doctor
    Path cfg = Files.writeString(work.resolve("livesync.toml"), "state_dir = \"" + state + "\"\nlog_file = \"" + log + "\"\n"
        + "[[sync]]\nname = \"one\"\nsource = \"" + src + "\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n");
    var c = livesync(List.of("run", "--check", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString()));
    assertThat(c.awaitExit(EXIT)).as(c.output()).isEqualTo(78);
    assertThat(c.output()).contains("livesync run: " + cfg + ":1:1: state_dir: is inside the target " + dst + ": ")
        .contains("livesync run: " + cfg + ":2:1: log_file: is inside the target " + dst + ": ");
    var d = livesync(List.of("doctor", "--config", cfg.toString()));
    assertThat(d.awaitExit(EXIT)).as(d.output()).isEqualTo(1);
    assertThat(d.output()).contains("FAIL  state dir " + state + ": is inside the target " + dst + ": ")
        .contains("FAIL  log file " + log + ": is inside the target " + dst + ": ");
    assertThat(kept).hasContent("kept");
    assertThat(dst.resolve("a.txt")).doesNotExist();
    // excluded from the sync, rsync deletes nothing there
    args = new ArrayList<>(List.of("run", "--check", src.toString(), dst.toString(), "--state-dir", state.toString(), "--exclude", "/state"));
    args.addAll(common);
    var ok = livesync(args);
    assertThat(ok.awaitExit(EXIT)).as(ok.output()).isZero();
  }

  /**
   * SIGHUP with a config that adds a sync whose target holds the state dir, or whose source is in
   * another sync's target: not reloaded (the log says why), the running sync goes on, nothing of the
   * state dir or the other source is deleted.
   */
  @Test
  void aReloadThatPutsTheStateDirOrASourceInsideATargetIsNotTaken() throws Exception {
    Path src1 = dir("src1"), dst1 = dir("dst1"), src2 = dir("src2"), top = dir("top");
    Path state = top.resolve("state");
    Files.writeString(src1.resolve("one.txt"), "one");
    Path cfg = work.resolve("livesync.toml");
    String head = "state_dir = \"" + state + "\"\n[[sync]]\nname = \"one\"\nsource = \"" + src1 + "\"\n"
        + "  [[sync.target]]\n  url = \"" + dst1 + "\"\n";
    Files.writeString(cfg, head);
    var p = livesync(List.of("run", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString(), "--stop-timeout", "10s"));
    p.awaitOutput("running:", EXIT);
    assertThat(dst1.resolve("one.txt")).hasContent("one");
    // a sync into the directory that holds the state dir
    Files.writeString(cfg, head + "[[sync]]\nname = \"two\"\nsource = \"" + src2 + "\"\n  [[sync.target]]\n  url = \"" + top + "\"\n");
    p.signal("HUP");
    p.awaitOutput("state_dir: is inside the target " + top, EXIT);
    assertThat(p.output()).contains("SIGHUP: " + cfg + " not reloaded, the running syncs continue unchanged");
    // a sync whose source is inside sync one's target (made there since sync one's start: its next full sync would delete it)
    Path inner = dir("dst1/inner");
    Files.writeString(inner.resolve("live.txt"), "another sync's live file");
    Files.writeString(cfg, head + "[[sync]]\nname = \"three\"\nsource = \"" + inner
        + "\"\n  [[sync.target]]\n  url = \"" + work.resolve("dst3") + "\"\n");
    p.signal("HUP");
    p.awaitOutput("sync[0].target[0].url: contains the source of sync three (" + inner + ")", EXIT);
    Files.writeString(src1.resolve("later.txt"), "the running sync goes on");
    long until = System.nanoTime() + EXIT.toNanos();
    while (!Files.exists(dst1.resolve("later.txt")) && System.nanoTime() < until) Thread.sleep(50);
    assertThat(dst1.resolve("later.txt")).hasContent("the running sync goes on");
    assertThat(state.resolve("one")).isDirectory();
    assertThat(inner.resolve("live.txt")).as(p.output()).hasContent("another sync's live file");
    assertThat(work.resolve("dst3")).doesNotExist();
    p.signal("TERM");
    assertThat(p.awaitExit(EXIT)).as(p.output()).isZero();
  }

  static boolean canUnshareMounts() {
    try {
      Processes.run(List.of("unshare", "-m", "true"));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private String config(String[]... syncs) {
    var b = new StringBuilder("state_dir = \"" + work.resolve("state") + "\"\n");
    for (String[] s : syncs) {
      b.append("[[sync]]\nname = \"").append(s[0]).append("\"\nsource = \"").append(s[1]).append("\"\n")
          .append("  [[sync.target]]\n  url = \"").append(s[2]).append("\"\n");
    }
    return b.toString();
  }
}
