package dev.livesync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.server.RsyncServer;
import dev.livesync.server.ServeModule;
import dev.livesync.server.ServeSpec;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify against a real rsync daemon (livesync serve's), with files changed behind livesync's back. */
class VerifyTest {
  @TempDir Path tmp;
  private RsyncServer server;
  private Path src;
  private Path backup;
  private Path pw;
  private String url;

  @BeforeEach
  void serveAndSeed() throws Exception {
    src = Files.createDirectories(tmp.resolve("src/docs"));
    src = tmp.resolve("src");
    Files.writeString(src.resolve("docs/a.txt"), "alpha");
    Files.writeString(src.resolve("docs/b.txt"), "bravo");
    Files.writeString(src.resolve("c.txt"), "charlie");
    backup = Files.createDirectories(tmp.resolve("backup"));
    pw = tmp.resolve("pw");
    Files.writeString(pw, "s3cret\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server = RsyncServer.start(new ServeSpec("127.0.0.1", port, null, tmp.resolve("run"),
        List.of(ServeModule.of("backup", backup, "rsync_backup", pw))));
    url = "rsync://rsync_backup@127.0.0.1:" + port + "/backup";
    Process p = new ProcessBuilder("rsync", "-a", "--password-file=" + pw, src + "/", url + "/").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  private ServiceRoundTripTest.Result verify(String... extra) {
    String[] base = {"verify", "--state-dir", tmp.resolve("state").toString(), "--password-file", pw.toString(), src.toString(), url};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return ServiceRoundTripTest.cli(all);
  }

  @Test
  void equalTreesExitZeroAndChangesBehindOurBackAreNamed() throws Exception {
    var same = verify();
    assertThat(same.code()).as(same.out() + same.err()).isZero();
    assertThat(same.out()).contains(src + " -> rsync://rsync_backup@127.0.0.1:").contains("target == source");

    Files.writeString(backup.resolve("docs/a.txt"), "changed on the backup host");
    Files.delete(backup.resolve("c.txt"));
    Files.writeString(backup.resolve("docs/stray.tmp"), "not in the source");

    var drift = verify();
    assertThat(drift.code()).as(drift.out() + drift.err()).isEqualTo(1);
    assertThat(drift.out())
        .contains("DRIFT: 1 missing, 1 extra, 1 differing")
        .contains("missing:   c.txt")
        .contains("extra:     docs/stray.tmp")
        .contains("differing: docs/a.txt");
    assertThat(drift.out()).doesNotContain("docs/b.txt");
    // nothing was repaired: verify is a dry run
    assertThat(backup.resolve("c.txt")).doesNotExist();

    JsonNodeAssert.lastVerifySays(tmp.resolve("state"), "DRIFT: 1 missing, 1 extra, 1 differing");
  }

  @Test
  void checksumFindsContentChangedWithSizeAndTimeKept() throws Exception {
    Path f = backup.resolve("docs/b.txt");
    FileTime t = Files.getLastModifiedTime(f);
    Files.writeString(f, "BRAVO"); // same size
    Files.setLastModifiedTime(f, t);
    assertThat(verify().code()).isZero();
    var r = verify("--checksum");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("differing: docs/b.txt");
  }

  /**
   * Each differing path says what differs, as rsync's itemized letters tell it: a mode, an mtime, a
   * symlink's target, contents (with --checksum). It said "differing" alone, and which of a
   * thousand files had only lost its mode was the admin's to find out.
   */
  @Test
  void eachDifferingPathSaysWhatDiffers() throws Exception {
    Files.createSymbolicLink(src.resolve("link"), Path.of("c.txt"));
    var sync = new ProcessBuilder("rsync", "-a", "--password-file=" + pw, src + "/", url + "/").redirectErrorStream(true).start();
    sync.getInputStream().readAllBytes();
    assertThat(sync.waitFor()).isZero();
    Files.setPosixFilePermissions(backup.resolve("c.txt"), PosixFilePermissions.fromString("rw-------"));
    Files.setLastModifiedTime(backup.resolve("docs/a.txt"), FileTime.fromMillis(1_000_000_000_000L));
    Files.delete(backup.resolve("link"));
    Files.createSymbolicLink(backup.resolve("link"), Path.of("docs/a.txt"));
    Path b = backup.resolve("docs/b.txt");
    FileTime t = Files.getLastModifiedTime(b);
    Files.writeString(b, "BRAVO"); // same size and time: only --checksum sees it
    Files.setLastModifiedTime(b, t);
    var r = verify("--checksum");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("DRIFT: 0 missing, 0 extra, 4 differing")
        .contains("differing: c.txt (permissions)\n")
        .contains("differing: docs/a.txt (mtime)\n")
        .contains("differing: link (symlink target, mtime)\n") // made again: its own time too
        .contains("differing: docs/b.txt (content)\n");
  }

  @Test
  void aWrongPasswordIsACompareFailureNotEquality() throws Exception {
    Files.writeString(pw, "wrong\n");
    var r = verify();
    assertThat(r.code()).isEqualTo(dev.livesync.Exit.UNAVAILABLE);
    assertThat(r.out()).contains("COMPARE FAILED");
  }

  /** status reads the saved result. */
  static final class JsonNodeAssert {
    static void lastVerifySays(Path stateDir, String text) {
      assertThat(VerifyRecord.summaryLine(VerifyRecord.load(stateDir))).contains(text);
    }
  }
}
