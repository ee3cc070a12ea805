package dev.livesync.ops.verify;

import dev.livesync.ops.service.ServiceRoundTripTest;

import dev.livesync.ops.status.VerifyRecord;
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

  /**
   * A source path past rsync's limit (4,095 bytes) is the source's problem, not the target's: it is
   * listed as not read, the rest of the tree is still compared, and the exit says drift/incomplete (1), not 69.
   */
  @Test
  void aSourcePathTooLongForRsyncIsListedAndTheRestIsStillCompared() throws Exception {
    Path deep = src.resolve("deep");
    // mkdir -p makes it one directory at a time (a path over 4,095 bytes cannot be named whole)
    Process mk = new ProcessBuilder("mkdir", "-p", "deep/" + String.join("/", java.util.Collections.nCopies(22, "d".repeat(200))))
        .directory(src.toFile()).redirectErrorStream(true).start();
    assertThat(mk.waitFor()).as(new String(mk.getInputStream().readAllBytes())).isZero();
    try {
      Files.delete(backup.resolve("c.txt"));
      var r = verify();
      assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
      assertThat(r.out())
          .doesNotContain("COMPARE FAILED")
          .contains("INCOMPLETE: 1 source path could not be read, so not compared")
          .contains("missing:   c.txt\n")
          .contains("not read:  deep/" + "d".repeat(200))
          .contains("(longer than rsync's limit of 4095 bytes)");
      JsonNodeAssert.lastVerifySays(tmp.resolve("state"), "1 source path could not be read");
    } finally {
      // JUnit's cleanup names each path whole, which fails past 4,095 bytes: rm walks it from inside
      assertThat(new ProcessBuilder("rm", "-rf", deep.toString()).start().waitFor()).isZero();
    }
  }

  /**
   * A source directory the user verify runs as may not list (root without CAP_DAC_OVERRIDE and
   * CAP_DAC_READ_SEARCH is refused as any user is): listed as not read, the rest still compared
   * (a file missing at the target is named), exit 1, not 69 "COMPARE FAILED".
   */
  @Test
  void aSourceDirectoryVerifyMayNotReadIsListedAndTheRestIsStillCompared() throws Exception {
    List<String> noDac = List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search");
    List<String> probe = new java.util.ArrayList<>(noDac);
    probe.add("true");
    org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder(probe).start().waitFor() == 0, "needs setpriv and root");
    Path closed = Files.createDirectories(src.resolve("closed"));
    Files.writeString(closed.resolve("secret"), "s");
    Files.setAttribute(closed, "unix:uid", 65534);
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    Files.delete(backup.resolve("c.txt"));
    var p = dev.livesync.testing.LivesyncProcess.start(noDac, List.of("verify", "--state-dir", tmp.resolve("state").toString(),
        "--password-file", pw.toString(), src.toString(), url), java.util.Map.of());
    try {
      int code = p.awaitExit(java.time.Duration.ofSeconds(60));
      assertThat(code).as(p.output()).isEqualTo(1);
      assertThat(p.output())
          .doesNotContain("COMPARE FAILED")
          .contains("INCOMPLETE: 1 source path could not be read, so not compared")
          .contains("missing:   c.txt\n")
          .contains("missing:   closed\n")
          .contains("not read:  " + closed + " (Permission denied)");
    } finally {
      p.close();
    }
  }

  /**
   * A target directory that is not there (a typo) is refused as a target verify cannot compare with
   * (69, as restore and versions treat it), in one line, not reported as "DRIFT: N missing" (exit 1).
   */
  @Test
  void aTargetDirectoryThatIsNotThereIsRefusedNotReportedAsDrift() throws Exception {
    Path typo = tmp.resolve("bakcup");
    var local = ServiceRoundTripTest.cli("verify", "--state-dir", tmp.resolve("state").toString(), src.toString(), typo.toString());
    assertThat(local.code()).as(local.out() + local.err()).isEqualTo(dev.livesync.Exit.UNAVAILABLE);
    assertThat(local.out()).contains("COMPARE FAILED: " + typo + " does not exist (no directory there): check the path")
        .doesNotContain("DRIFT").doesNotContain("missing:");
    assertThat(typo).as("verify changes nothing").doesNotExist();
    JsonNodeAssert.lastVerifySays(tmp.resolve("state"), "FAILED for 1 of 1 targets");

    var daemon = verifyAt(url + "/typo");
    assertThat(daemon.code()).as(daemon.out() + daemon.err()).isEqualTo(dev.livesync.Exit.UNAVAILABLE);
    assertThat(daemon.out()).contains(" does not exist (no directory there): check the path").doesNotContain("DRIFT");
    assertThat(backup.resolve("typo")).doesNotExist();
  }

  private ServiceRoundTripTest.Result verifyAt(String target) {
    return ServiceRoundTripTest.cli("verify", "--state-dir", tmp.resolve("state").toString(), "--password-file", pw.toString(), src.toString(), target);
  }

  /** status reads the saved result. */
  static final class JsonNodeAssert {
    static void lastVerifySays(Path stateDir, String text) {
      assertThat(VerifyRecord.summaryLine(VerifyRecord.load(stateDir))).contains(text);
    }
  }
}
