package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.Exit;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One sync per target on a host, across processes: two livesync processes with syncs of different
 * names (so different state dirs) that write one target — however it is written: through a symlink,
 * a bind mount, a daemon named by address or by name — would each delete the other's files. The
 * second is refused with one line naming the first sync and its pid (exit 75), and so are its
 * {@code run --check} and {@code doctor}; a sync to another target runs beside it, and the refused one
 * starts once the first is gone.
 */
class SharedTargetTest {
  @RegisterExtension final Workspace ws = new Workspace("shared-target-test");
  final Path work = ws.dir();
  final Map<String, String> env = Map.of("LIVESYNC_STATE_DIR", work.resolve("state").toString());

  LivesyncProcess livesync(List<String> wrapper, List<String> args) {
    return ws.livesync(wrapper, args, env);
  }

  List<String> run(String name, Path src, String target) {
    return List.of("run", src.toString(), target, "--name", name, "--status-socket", work.resolve(name + ".sock").toString(),
        "--delay", "50ms", "--stop-timeout", "5s");
  }

  Path source(String name) throws Exception {
    Path src = Files.createDirectories(work.resolve(name));
    Files.writeString(src.resolve(name + ".txt"), name);
    return src;
  }

  LivesyncProcess running(List<String> args) throws Exception {
    var p = livesync(List.of(), args);
    p.awaitOutput("running:", CONVERGE);
    return p;
  }

  /** The refusal of a sync "two" writing {@code second} while {@code first} (sync "one") writes {@code shown}. */
  static String refusal(String second, LivesyncProcess first, String shown) {
    return "livesync run: target " + second + " is already written by sync one (pid " + first.pid()
        + (shown.equals(second) ? "" : ", which names it " + shown) + "): two syncs writing one target would delete each other's files;"
        + " give each sync its own target, or stop the other first";
  }

  /** Sync "two" of {@code args} is refused as {@code words} say, by run, run --check and doctor, and writes nothing. */
  void refused(List<String> wrapper, List<String> args, String words) throws Exception {
    var second = livesync(wrapper, args);
    assertThat(second.awaitExit(CONVERGE)).as(second.output()).isEqualTo(Exit.ALREADY_RUNNING);
    assertThat(second.output()).contains(words);
    List<String> check = new ArrayList<>(args);
    check.add(1, "--check");
    var checked = livesync(wrapper, check);
    assertThat(checked.awaitExit(CONVERGE)).as(checked.output()).isEqualTo(Exit.ALREADY_RUNNING);
    assertThat(checked.output()).contains(words);
    var doctor = livesync(wrapper, List.of("doctor", args.get(1), args.get(2)));
    assertThat(doctor.awaitExit(CONVERGE)).as(doctor.output()).isEqualTo(Exit.FAILED);
    assertThat(doctor.output()).contains("FAIL  target " + words.substring("livesync run: target ".length()).replace(" is already", ": already"));
  }

  @Test
  void aLocalTargetThroughASymlinkIsRefusedWhileAnotherProcessWritesIt() throws Exception {
    Path one = source("one"), two = source("two"), dst = Files.createDirectories(work.resolve("dst"));
    Path link = Files.createSymbolicLink(work.resolve("link"), dst);
    var first = running(run("one", one, dst.toString()));
    refused(List.of(), run("two", two, link.toString()), refusal(link.toString(), first, dst.toString()));
    assertThat(dst.resolve("two.txt")).doesNotExist();
    assertThat(dst.resolve("one.txt")).hasContent("one");

    // another target is not held: a sync to it runs beside the first
    var beside = running(run("two", two, work.resolve("dst2").toString()));
    beside.signal("TERM");
    assertThat(beside.awaitExit(CONVERGE)).as(beside.output()).isZero();

    first.signal("KILL"); // the kernel drops the locks with the process
    first.awaitExit(CONVERGE);
    var after = running(run("two", two, link.toString()));
    after.signal("TERM");
    assertThat(after.awaitExit(CONVERGE)).as(after.output()).isZero();
  }

  @Test
  void aTargetThroughABindMountIsRefusedEvenOneTheFirstMadeAfterItsStart() throws Exception {
    assumeTrue(DataSafetyTest.canUnshareMounts(), "needs unshare -m (root, mount namespaces)");
    Path one = source("one"), two = source("two"), dst = Files.createDirectories(work.resolve("dst"));
    Path mnt = Files.createDirectories(work.resolve("mnt"));
    // the first's target does not exist when it starts: its initial sync makes it
    var first = running(run("one", one, dst.resolve("new").toString()));
    assertThat(dst.resolve("new/one.txt")).hasContent("one");
    // the mount lives in the second's own mount namespace: it goes away with it
    List<String> wrapper = List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
        "mount --bind '" + dst + "' '" + mnt + "' && exec \"$@\"", "sh");
    String second = mnt.resolve("new").toString();
    refused(wrapper, run("two", two, second), refusal(second, first, dst.resolve("new").toString()));
    assertThat(dst.resolve("new/two.txt")).doesNotExist();
  }

  @Test
  void aDaemonTargetByAddressAndByNameIsOneTarget() throws Exception {
    Path one = source("one"), two = source("two"), module = Files.createDirectories(work.resolve("module"));
    try (RsyncDaemon daemon = RsyncDaemon.start(module)) {
      String byAddress = "rsync://127.0.0.1:" + daemon.port() + "/backup/a";
      String byName = "rsync://localhost:" + daemon.port() + "/backup/./a/";
      var first = running(run("one", one, byAddress));
      String shown = OverlappingTargetsTest.shown(byName); // as livesync shows it
      refused(List.of(), run("two", two, byName), refusal(shown, first, byAddress));
      assertThat(module.resolve("a/two.txt")).doesNotExist();
      assertThat(module.resolve("a/one.txt")).hasContent("one");
      first.signal("TERM");
      assertThat(first.awaitExit(CONVERGE)).as(first.output()).isZero();
    }
  }
}
