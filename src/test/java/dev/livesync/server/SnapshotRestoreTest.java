package dev.livesync.server;

import static dev.livesync.server.ServeTestSupport.cli;
import static dev.livesync.server.ServeTestSupport.passwordFile;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.settings.Versions;
import dev.livesync.testing.LivesyncProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code livesync versions} and {@code livesync restore} read the snapshots a real {@code livesync
 * serve --snapshots} (a child process, its rsync daemon on loopback) takes of its module: a client
 * that keeps no versions pushes over the snapshot (a file rewritten, one deleted), and the snapshot
 * still gives the tree back as it was.
 */
class SnapshotRestoreTest {
  @TempDir Path tmp;
  private LivesyncProcess serve;

  @AfterEach
  void stop() {
    if (serve != null) serve.close();
  }

  private static void write(Path f, String text, Instant mtime) throws Exception {
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    Files.setLastModifiedTime(f, FileTime.from(mtime));
  }

  @Test
  void versionsListsSnapshotsAndRestoreTakesTheTreeFromOne() throws Exception {
    Path module = Files.createDirectories(tmp.resolve("backup"));
    Instant old = Instant.now().minus(Duration.ofHours(1));
    write(module.resolve("a.txt"), "one", old);
    write(module.resolve("sub/b.txt"), "bee", old);
    write(module.resolve("gone.txt"), "bye", old);
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    int port = ServeTestSupport.freePort();
    serve = LivesyncProcess.start(List.of("serve", "--module", "m", "--path", module.toString(), "--user", "u",
        "--password-file", pw.toString(), "--port", Integer.toString(port), "--address", "127.0.0.1",
        "--runtime-dir", tmp.resolve("run").toString(), "--snapshots", "hourly=24"));
    serve.awaitOutput("module m: snapshot", Duration.ofSeconds(60));
    serve.awaitOutput("listening on", Duration.ofSeconds(60));
    List<String> stamps = HousekeepingTest.snapshots(module);
    assertThat(stamps).hasSize(1);
    Instant taken = Versions.parseStamp(stamps.getFirst());
    String url = "rsync://u@127.0.0.1:" + port + "/m";

    // a client that keeps no versions: a.txt rewritten, gone.txt deleted (.livesync/ protected, as livesync run does)
    Path src = Files.createDirectories(tmp.resolve("src"));
    write(src.resolve("a.txt"), "two", Instant.now().plusSeconds(2));
    write(src.resolve("sub/b.txt"), "bee", old);
    StringBuilder log = new StringBuilder();
    assertThat(ServeTestSupport.rsync(log, "-a", "--delete", "--filter=P /.livesync/", "--password-file=" + pw, src + "/", url + "/"))
        .as(log.toString()).isZero();
    assertThat(Files.readString(module.resolve("a.txt"))).isEqualTo("two");

    var a = cli("versions", url, "a.txt", "--password-file", pw.toString());
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(a.out().lines().toList()).hasSize(2);
    assertThat(a.out().lines().toList().get(0)).startsWith("snapshot " + stamps.getFirst()).contains(" 3 bytes");
    assertThat(a.out().lines().toList().get(1)).startsWith("live ");
    var gone = cli("versions", url, "gone.txt", "--password-file", pw.toString());
    assertThat(gone.code()).as(gone.err()).isZero();
    assertThat(gone.out().strip()).startsWith("snapshot " + stamps.getFirst()).doesNotContain("live");

    // the tree as it was when the snapshot was taken (and before it: nothing changed in between)
    for (Instant at : List.of(taken, old.plusSeconds(60))) {
      Path into = tmp.resolve("restored-" + at.getEpochSecond());
      var r = cli("restore", url, "--at", at.toString(), "--to", into.toString(), "--password-file", pw.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("restored 3 files").contains("3 from snapshots");
      assertThat(Files.readString(into.resolve("a.txt"))).isEqualTo("one");
      assertThat(Files.readString(into.resolve("gone.txt"))).isEqualTo("bye");
      assertThat(Files.readString(into.resolve("sub/b.txt"))).isEqualTo("bee");
    }
    // and as it is now: the live files
    Path now = tmp.resolve("restored-now");
    var r = cli("restore", url, "--at", Instant.now().plusSeconds(60).toString(), "--to", now.toString(), "--password-file", pw.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(now.resolve("a.txt"))).isEqualTo("two");
    assertThat(now.resolve("gone.txt")).doesNotExist();
    assertThat(now.resolve(".livesync")).doesNotExist();
  }
}
