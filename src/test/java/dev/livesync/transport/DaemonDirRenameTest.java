package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A directory renamed at the source reaches a daemon target (which cannot rename) without its files
 * crossing the wire again: the new name is made from the old copy with --link-dest, then the old
 * name is deleted. The daemon's own log counts what it received (rsync's per-session totals).
 */
class DaemonDirRenameTest {
  static final int FILES = 50, SIZE = 1 << 20;

  @Test
  void aRenamedDirectoryIsMadeFromItsOldCopyAndAFileChangedInsideStillArrives() throws Exception {
    byte[] src = Trees.tempDir("ls-dr-src");
    byte[] dst = Trees.tempDir("ls-dr-dst");
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    var rnd = new Random(3);
    for (int i = 0; i < FILES; i++) {
      byte[] data = new byte[SIZE];
      rnd.nextBytes(data);
      Trees.write(at(src, "big/part" + i % 3 + "/f" + i), data);
    }
    Trees.write(at(src, "big/small.txt"), "small");
    Libc.symlink(Bytes.of("part0/f0"), at(src, "big/link"));
    Replicator r = null;
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var s = EngineSettings.builder("dr", src).stateDir(Trees.path(Trees.tempDir("ls-dr-state"))).build();
      r = Replicator.start(s, List.of(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      long before = received(daemon.log());
      assertThat(before).as("the initial sync sent the data").isGreaterThan((long) FILES * SIZE);

      Libc.mkdir(at(src, "archive"), 0755);
      // watched once it is at the target: a rename into a directory made a moment ago can come
      // before its watch, and is then seen as a new tree (a create, not a rename)
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      before = received(daemon.log());
      Libc.rename(at(src, "big"), at(src, "archive/big-2026"));
      Trees.append(at(src, "archive/big-2026/part1/f7"), Bytes.of("changed in the same window"));
      Trees.write(at(src, "archive/big-2026/new.txt"), "new in the same window");
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));

      long sent = received(daemon.log()) - before;
      System.out.printf("a renamed %d MiB directory: %d bytes received by the daemon%n", FILES * SIZE >> 20, sent);
      assertThat(sent).as("bytes sent for the rename (its data is %d)", (long) FILES * SIZE).isLessThan(SIZE / 4);
      assertThat(Trees.read(at(dst, "archive/big-2026/part1/f7"))).isEqualTo(Trees.read(at(src, "archive/big-2026/part1/f7")));
      assertThat(Trees.exists(at(dst, "big"))).isFalse();
    } finally {
      if (r != null) r.stop(Duration.ofSeconds(10));
      Trees.delete(src);
      Trees.delete(dst);
    }
  }

  /**
   * A directory renamed twice, the second time before the first rename ran at the target (both
   * renames in the daemon's queue at once): the new name is made from the old copy all the same,
   * not from the name between, which the target never had.
   */
  @Test
  void aDirectoryRenamedTwiceIsMadeFromItsFirstName() throws Exception {
    byte[] src = Trees.tempDir("ls-dr2-src");
    byte[] dst = Trees.tempDir("ls-dr2-dst");
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    int files = 16;
    var rnd = new Random(4);
    for (int i = 0; i < files; i++) {
      byte[] data = new byte[SIZE];
      rnd.nextBytes(data);
      Trees.write(at(src, "big/part" + i % 3 + "/f" + i), data);
    }
    Libc.mkdir(at(src, "archive"), 0755);
    Replicator r = null;
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var s = EngineSettings.builder("dr2", src).stateDir(Trees.path(Trees.tempDir("ls-dr2-state"))).build();
      r = Replicator.start(s, List.of(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      long before = received(daemon.log());
      // back to back: a daemon's directory rename waits for the batch of its new name, so both queue
      Libc.rename(at(src, "big"), at(src, "big.tmp"));
      Libc.rename(at(src, "big.tmp"), at(src, "archive/big-2026"));
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));

      long sent = received(daemon.log()) - before;
      System.out.printf("a %d MiB directory renamed twice: %d bytes received by the daemon%n", files * SIZE >> 20, sent);
      assertThat(sent).as("bytes sent for the renames (its data is %d)", (long) files * SIZE).isLessThan(SIZE / 4);
      assertThat(Trees.exists(at(dst, "big"))).isFalse();
      assertThat(Trees.exists(at(dst, "big.tmp"))).isFalse();
    } finally {
      if (r != null) r.stop(Duration.ofSeconds(10));
      Trees.delete(src);
      Trees.delete(dst);
    }
  }

  /**
   * A tree large enough to be copied in parts side by side ({@link RenameParts}), lopsided so that a
   * directory is opened: the new name equals the source's, directories' modes and mtimes included
   * (the parts make entries in the opened one after rsync set its mtime), and no file crosses again.
   */
  @Test
  void aLargeRenamedDirectoryIsMadeInPartsSideBySide() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(DaemonKind.PARTS > 1, "one core: one run");
    byte[] src = Trees.tempDir("ls-drp-src");
    byte[] dst = Trees.tempDir("ls-drp-dst");
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    int files = (int) DaemonKind.SPLIT_MIN_ENTRIES + 2000, size = 2048;
    var rnd = new Random(5);
    for (int i = 0; i < files; i++) {
      byte[] data = new byte[size];
      rnd.nextBytes(data);
      // three quarters in one directory: it is opened, its subdirectories go to different parts
      Trees.write(at(src, (i % 4 == 0 ? "tree/side" + i % 3 : "tree/bulk/d" + i % 7) + "/f" + i), data);
    }
    Trees.chmod(at(src, "tree/bulk"), 0700);
    Replicator r = null;
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var s = EngineSettings.builder("drp", src).stateDir(Trees.path(Trees.tempDir("ls-drp-state"))).build();
      r = Replicator.start(s, List.of(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(120));
      Libc.mkdir(at(src, "archive"), 0755);
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(60));
      long before = received(daemon.log());
      Libc.rename(at(src, "tree"), at(src, "archive/tree-2026"));
      Trees.awaitSameTree(src, dst, Duration.ofSeconds(120));

      long sent = received(daemon.log()) - before;
      System.out.printf("a renamed directory of %d files of %d bytes: %d bytes received by the daemon%n", files, size, sent);
      assertThat(sent).as("bytes sent for the rename (its data is %d)", (long) files * size).isLessThan((long) files * size / 4);
      assertThat(Trees.exists(at(dst, "tree"))).isFalse();
      // the daemon logs each session's destination: the directory made alone first (parts racing to
      // make it fail with exit 11), the parts, and the last run of the directories, each to the new name
      long runs = daemon.log().lines().filter(l -> l.contains("rsync to ") && l.contains("/archive/tree-2026/ from")).count();
      assertThat(runs).as("runs into the new name").isEqualTo(DaemonKind.PARTS + 2L);
      assertThat(daemon.log().lines().filter(l -> l.contains("failed")).toList()).as("errors in the daemon's log").isEmpty();
    } finally {
      if (r != null) r.stop(Duration.ofSeconds(10));
      Trees.delete(src);
      Trees.delete(dst);
    }
  }

  /** Sum of "received N bytes" over the daemon's session lines. */
  static long received(String log) {
    long sum = 0;
    Matcher m = Pattern.compile("received (\\d+) bytes").matcher(log);
    while (m.find()) sum += Long.parseLong(m.group(1));
    return sum;
  }
}
