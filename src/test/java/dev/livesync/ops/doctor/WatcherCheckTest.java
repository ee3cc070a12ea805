package dev.livesync.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.LoopFs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor says which watcher each sync gets and why, decided as run decides it. */
class WatcherCheckTest {
  @TempDir Path tmp;

  @Test
  void aDirectoryInsideABiggerFilesystemGetsInotifyAndSaysWhy() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    DoctorTest.Result r = DoctorTest.doctor("--state-dir", tmp.resolve("state").toString(), src.toString());
    assertThat(r.out()).containsPattern("OK    watcher of " + src + ": inotify: the source is a directory inside the \\S+ filesystem mounted at /"
        + ".*a fanotify filesystem mark would also read every change made elsewhere on it");
  }

  @Test
  void aWholeFilesystemGetsFanotify_andAnExplicitChoiceIsReported() throws Exception {
    try (LoopFs fs = LoopFs.ext4(tmp, 16)) {
      Path src = fs.root();
      DoctorTest.Result r = DoctorTest.doctor("--state-dir", tmp.resolve("state").toString(), src.toString());
      assertThat(r.out()).containsPattern("OK    watcher of " + src + ": fanotify: the source is the whole ext4 filesystem /dev/loop\\d+: one filesystem mark covers it");
      r = DoctorTest.doctor("--state-dir", tmp.resolve("state").toString(), "--watcher", "inotify", src.toString());
      assertThat(r.out()).contains("OK    watcher of " + src + ": inotify: --watcher inotify\n");
    }
  }

  /**
   * The watcher's words name the setting as the user gave it: the flag for a sync from the command
   * line, the key for one from a config file (they said --watcher to a config file's user).
   */
  @Test
  void theWatcherIsNamedAsTheFlagOrAsTheConfigKey() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src")), dst = Files.createDirectories(tmp.resolve("dst"));
    String state = tmp.resolve("state").toString();
    String inside = "a fanotify filesystem mark would also read every change made elsewhere on it (";
    assertThat(DoctorTest.doctor("--state-dir", state, src.toString(), dst.toString()).out())
        .contains(inside + "--watcher fanotify takes it anyway)\n");
    assertThat(DoctorTest.doctor("--state-dir", state, "--watcher", "inotify", src.toString(), dst.toString()).out())
        .contains("OK    watcher of " + src + ": inotify: --watcher inotify\n");
    String sync = "state_dir = \"" + state + "\"\n[[sync]]\nsource = \"" + src + "\"\n%s  [[sync.target]]\n  url = \"" + dst + "\"\n";
    Path auto = Files.writeString(tmp.resolve("auto.toml"), sync.formatted(""));
    assertThat(DoctorTest.doctor("--config", auto.toString()).out())
        .contains(inside + "watcher = \"fanotify\" takes it anyway)\n").doesNotContain("--watcher");
    Path inotify = Files.writeString(tmp.resolve("inotify.toml"), sync.formatted("watcher = \"inotify\"\n"));
    assertThat(DoctorTest.doctor("--config", inotify.toString()).out())
        .contains("OK    watcher of " + src + ": inotify: watcher = \"inotify\"\n").doesNotContain("--watcher");
  }

  /** The paragraph about inotify's limits is for syncs watched with inotify: with fanotify only, it is left out. */
  @Test
  void theInotifyLimitsAreExplainedOnlyWhenASyncUsesInotify() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.livesync.fs.WatcherChoice.fanotifyProblem(dev.livesync.fs.Bytes.of(src.toString())) == null,
        "fanotify can mark " + src);
    String about = "About the inotify limits";
    DoctorTest.Result r = DoctorTest.doctor("--state-dir", tmp.resolve("state").toString(), "--watcher", "fanotify", src.toString());
    assertThat(r.out()).contains("OK    watcher of " + src + ": fanotify").doesNotContain(about).doesNotContain("max_user_watches    ");
    r = DoctorTest.doctor("--state-dir", tmp.resolve("state").toString(), "--watcher", "inotify", src.toString());
    assertThat(r.out()).contains("OK    watcher of " + src + ": inotify").contains(about);
  }

  /** A source fanotify watches needs no inotify watch: the limit is not measured against its directories. */
  @Test
  void aSourceWatchedWithFanotifyIsNotCountedAgainstTheWatchLimit() throws Exception {
    try (LoopFs fs = LoopFs.ext4(tmp, 16)) {
      Path src = fs.root();
      Files.createDirectories(src.resolve("a/b/c"));
      DoctorTest.Result r = DoctorTest.doctor("--state-dir", tmp.resolve("state").toString(), src.toString());
      assertThat(r.out()).containsPattern("OK    max_user_watches: \\d+: no watches needed: " + src + " \\(watched with fanotify: one filesystem mark\\)\n");
      r = DoctorTest.doctor("--state-dir", tmp.resolve("state").toString(), "--watcher", "inotify", src.toString());
      assertThat(r.out()).containsPattern("OK    max_user_watches: \\d+: \\d+ directories \\(\\d+ under " + src + "\\) need \\d+ watches");
    }
  }

  /**
   * A whole filesystem with another mounted below it: the mark would not see that mount, so auto
   * takes inotify (which watches it) and says why, and doctor warns of an explicit fanotify there.
   */
  @Test
  void aWholeFilesystemWithAMountBelowItGetsInotify_andFanotifyThereIsWarnedOf() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.livesync.settings.Dirs.isRoot(), "needs root to mount");
    try (LoopFs fs = LoopFs.ext4(tmp, 16)) {
      Path src = fs.root();
      Path below = Files.createDirectories(src.resolve("uploads"));
      String state = tmp.resolve("state").toString();
      dev.livesync.testing.Processes.run(java.util.List.of("mount", "-t", "tmpfs", "-o", "size=1m", "livesync-test", below.toString()));
      try {
        assertThat(DoctorTest.doctor("--state-dir", state, src.toString()).out()).containsPattern(java.util.regex.Pattern.quote(
            "OK    watcher of " + src + ": inotify: the source is the whole ext4 filesystem ") + "/dev/loop\\d+" + java.util.regex.Pattern.quote(
            ", but " + below + " (tmpfs livesync-test) is mounted below it, which a fanotify filesystem mark would not see"
            + " (--watcher fanotify takes it anyway)\n"));
        assertThat(DoctorTest.doctor("--state-dir", state, "--watcher", "fanotify", src.toString()).out())
            .contains("WARN  watcher of " + src + ": fanotify: --watcher fanotify; but " + below + " (tmpfs livesync-test) is mounted below"
                + " the source: the filesystem mark does not see it, so changes there reach the targets only with full syncs (a schedule's);"
                + " --watcher inotify watches them live\n");
      } finally {
        dev.livesync.testing.Processes.run(java.util.List.of("umount", below.toString()));
      }
      assertThat(DoctorTest.doctor("--state-dir", state, src.toString()).out()).contains("OK    watcher of " + src + ": fanotify: the source is the whole");
    }
  }
}
