package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real {@code livesync run} process against a loopback rsync daemon with auth, stopped and
 * started again: after SIGTERM the next start sends only what changed while it was stopped; after
 * kill -9 (no clean stop recorded) it runs the full sync, and says why.
 */
class RestartProcessTest {
  static final Duration CONVERGE = Await.CONVERGE.multipliedBy(2);
  @RegisterExtension final Workspace ws = new Workspace("rel-restart");
  final Path work = ws.dir();
  final byte[] src = dir("src");
  final byte[] module = dir("module");
  RsyncDaemon daemon;

  private byte[] dir(String name) {
    try {
      Path p = Files.createDirectories(work.resolve(name));
      Trees.chmod(Bytes.of(p.toString()), 0755);
      return Bytes.of(p.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private LivesyncProcess livesync() {
    return ws.livesync(List.of("run", Bytes.latin1(src), daemon.url(), "--password-file", daemon.passwordFile().toString(),
        "--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString(), "--delay", "100ms"));
  }

  @Test
  void aCleanStopIsCaughtUpOnAndAKillMinus9BringsTheFullSyncBack() throws Exception {
    daemon = RsyncDaemon.builder(Trees.path(module)).auth("backup", "pw").start();
    ws.closing(daemon);
    for (int d = 0; d < 4; d++) for (int i = 0; i < 25; i++) Trees.write(at(src, "d" + d + "/f" + i), "d" + d + "f" + i);

    var first = livesync();
    first.awaitOutput("full sync at start: no clean stop recorded", CONVERGE);
    Trees.awaitSameTree(src, module, CONVERGE);
    first.signal("TERM");
    assertThat(first.awaitExit(CONVERGE)).isZero();
    assertThat(first.output()).contains("clean stop recorded");

    Trees.write(at(src, "d0/f0"), "changed while stopped");
    Trees.delete(at(src, "d1"));
    Trees.write(at(src, "new/x"), "added while stopped");
    var second = livesync();
    second.awaitOutput("no full sync at start", CONVERGE);
    Trees.awaitSameTree(src, module, CONVERGE);
    assertThat(second.output()).doesNotContain(": full sync at start:").doesNotContain("full sync (start) done");
    second.signal("KILL");
    second.awaitExit(CONVERGE);

    Trees.write(at(src, "d2/f0"), "changed after the kill");
    Trees.delete(at(src, "d3/f1"));
    var third = livesync();
    third.awaitOutput("full sync at start: no clean stop recorded", CONVERGE);
    Trees.awaitSameTree(src, module, CONVERGE);
    third.signal("TERM");
    assertThat(third.awaitExit(CONVERGE)).isZero();
  }

  @Test
  void aModuleEmptiedWhileStoppedIsFilledAgain() throws Exception {
    daemon = RsyncDaemon.builder(Trees.path(module)).auth("backup", "pw").start();
    ws.closing(daemon);
    for (int d = 0; d < 3; d++) for (int i = 0; i < 10; i++) Trees.write(at(src, "d" + d + "/f" + i), "d" + d + "f" + i);
    Trees.write(at(src, "top"), "at the top");
    var first = livesync();
    Trees.awaitSameTree(src, module, CONVERGE);
    Thread.sleep(2100); // the tree older than the stop's 2 s margin: else all of it counts as changed since
    first.signal("TERM");
    assertThat(first.awaitExit(CONVERGE)).isZero();
    assertThat(first.output()).contains("clean stop recorded");

    Trees.delete(module); // a new, empty backup disk
    dir("module");
    var second = livesync();
    second.awaitOutput("full sync at start: the target's top level differs from the source's in 4 entries", CONVERGE);
    Trees.awaitSameTree(src, module, CONVERGE);
    second.signal("TERM");
    assertThat(second.awaitExit(CONVERGE)).isZero();
  }
}
