package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A directory renamed at the source reaches a daemon target (which cannot rename) without its files
 * crossing the wire again: the new name is made from the old copy with --link-dest, then the old
 * name is deleted. The daemon's own log counts what it received (rsync's per-session totals).
 */
class DaemonDirRenameTest {
  static final int FILES = 50, SIZE = 1 << 20;

  @Test
  void aRenamedDirectoryIsMadeFromItsOldCopyAndAFileChangedInsideStillArrives() throws Exception {
    try (var t = new Synced(src -> {
      randomFiles(src, FILES, SIZE, 3, i -> "big/part" + i % 3 + "/f" + i);
      Trees.write(at(src, "big/small.txt"), "small");
      Libc.symlink(Bytes.of("part0/f0"), at(src, "big/link"));
    }, 60)) {
      assertThat(received(t.daemon.log())).as("the initial sync sent the data").isGreaterThan((long) FILES * SIZE);
      Libc.mkdir(at(t.src, "archive"), 0755);
      // watched once it is at the target: a rename into a directory made a moment ago can come
      // before its watch, and is then seen as a new tree (a create, not a rename)
      Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(60));
      long before = received(t.daemon.log());
      Libc.rename(at(t.src, "big"), at(t.src, "archive/big-2026"));
      Trees.append(at(t.src, "archive/big-2026/part1/f7"), Bytes.of("changed in the same window"));
      Trees.write(at(t.src, "archive/big-2026/new.txt"), "new in the same window");
      Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(60));

      long sent = received(t.daemon.log()) - before;
      System.out.printf("a renamed %d MiB directory: %d bytes received by the daemon%n", FILES * SIZE >> 20, sent);
      assertThat(sent).as("bytes sent for the rename (its data is %d)", (long) FILES * SIZE).isLessThan(SIZE / 4);
      assertThat(Trees.read(at(t.dst, "archive/big-2026/part1/f7"))).isEqualTo(Trees.read(at(t.src, "archive/big-2026/part1/f7")));
      assertThat(Trees.exists(at(t.dst, "big"))).isFalse();
    }
  }

  /**
   * A directory renamed twice, the second time before the first rename ran at the target (both
   * renames in the daemon's queue at once): the new name is made from the old copy all the same,
   * not from the name between, which the target never had.
   */
  @Test
  void aDirectoryRenamedTwiceIsMadeFromItsFirstName() throws Exception {
    int files = 16;
    try (var t = new Synced(src -> {
      randomFiles(src, files, SIZE, 4, i -> "big/part" + i % 3 + "/f" + i);
      Libc.mkdir(at(src, "archive"), 0755);
    }, 60)) {
      long before = received(t.daemon.log());
      // back to back: a daemon's directory rename waits for the batch of its new name, so both queue
      Libc.rename(at(t.src, "big"), at(t.src, "big.tmp"));
      Libc.rename(at(t.src, "big.tmp"), at(t.src, "archive/big-2026"));
      Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(60));

      long sent = received(t.daemon.log()) - before;
      System.out.printf("a %d MiB directory renamed twice: %d bytes received by the daemon%n", files * SIZE >> 20, sent);
      assertThat(sent).as("bytes sent for the renames (its data is %d)", (long) files * SIZE).isLessThan(SIZE / 4);
      assertThat(Trees.exists(at(t.dst, "big"))).isFalse();
      assertThat(Trees.exists(at(t.dst, "big.tmp"))).isFalse();
    }
  }

  /**
   * The same two renames, the second made just as the first's copy reads the source (the race of the
   * two back to back, made certain): that copy finds its new name gone and makes nothing, and the
   * old copy must still be there for the second rename to be made from. Failure injection: the
   * target's first rename does the second at the source before it runs.
   */
  @Test
  void aDirectoryRenamedAgainAsItsFirstRenameRunsIsMadeFromItsFirstName() throws Exception {
    int files = 16;
    byte[][] source = new byte[1][];
    var raced = new java.util.concurrent.atomic.AtomicBoolean();
    UnaryOperator<Transport> racing = inner -> new ForwardingTransport(inner) {
      @Override
      public boolean rename(byte[] from, byte[] to) throws InterruptedException {
        if (Bytes.display(to).equals("big.tmp") && raced.compareAndSet(false, true))
          Libc.rename(at(source[0], "big.tmp"), at(source[0], "archive/big-2026"));
        return super.rename(from, to);
      }
    };
    try (var t = new Synced(src -> {
      source[0] = src;
      randomFiles(src, files, SIZE, 4, i -> "big/part" + i % 3 + "/f" + i);
      Libc.mkdir(at(src, "archive"), 0755);
    }, 60, racing)) {
      long before = received(t.daemon.log());
      Libc.rename(at(t.src, "big"), at(t.src, "big.tmp"));
      Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(60));
      assertThat(raced).as("the second rename made as the first ran").isTrue();

      long sent = received(t.daemon.log()) - before;
      System.out.printf("a %d MiB directory renamed again as its first rename ran: %d bytes received by the daemon%n", files * SIZE >> 20, sent);
      assertThat(sent).as("bytes sent for the renames (its data is %d)", (long) files * SIZE).isLessThan(SIZE / 4);
      assertThat(Trees.exists(at(t.dst, "big"))).isFalse();
      assertThat(Trees.exists(at(t.dst, "big.tmp"))).isFalse();
    }
  }

  /**
   * A directory renamed while the daemon is down: its copy fails as the target does and is retried
   * once the daemon is back, ahead of the batch that would otherwise delete the old name and send the
   * new one whole. The test waits for the copy to have been tried against the stopped daemon.
   */
  @Test
  void aDirectoryRenamedWhileTheDaemonIsDownIsMadeFromItsOldCopyOnceItIsBack() throws Exception {
    int files = 16;
    var down = new java.util.concurrent.atomic.AtomicBoolean();
    var triedWhileDown = new java.util.concurrent.CountDownLatch(1);
    UnaryOperator<Transport> watching = inner -> new ForwardingTransport(inner) {
      @Override
      public boolean rename(byte[] from, byte[] to) throws InterruptedException {
        try {
          return super.rename(from, to);
        } finally {
          if (down.get()) triedWhileDown.countDown();
        }
      }
    };
    try (var t = new Synced(src -> randomFiles(src, files, SIZE, 7, i -> "big/part" + i % 3 + "/f" + i), 60, watching)) {
      long before = received(t.daemon.log());
      down.set(true);
      t.daemon.stop();
      Libc.rename(at(t.src, "big"), at(t.src, "big-2026"));
      assertThat(triedWhileDown.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("the rename tried while the daemon was down").isTrue();
      down.set(false);
      t.daemon.start();
      Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(60));

      long sent = received(t.daemon.log()) - before;
      System.out.printf("a %d MiB directory renamed while the daemon was down: %d bytes received by the daemon%n", files * SIZE >> 20, sent);
      assertThat(sent).as("bytes sent for the rename (its data is %d)", (long) files * SIZE).isLessThan(SIZE / 4);
      assertThat(Trees.exists(at(t.dst, "big"))).isFalse();
    }
  }

  /**
   * A daemon that refuses --link-dest (rsyncd.conf's refuse options; rsync exits 4): the copy cannot
   * be made, which retrying does not mend, so the batch sends the new name, as it would a small one.
   * Thrown as a failure of the target, the copy held the rename, and every item behind it, for good.
   */
  @Test
  void aDaemonThatRefusesLinkDestGetsTheRenamedDirectorySent() throws Exception {
    try (var t = new Synced(src -> randomFiles(src, 4, SIZE, 6, i -> "big/f" + i), 60, UnaryOperator.identity(),
        d -> d.moduleOption("refuse options", "link-dest"))) {
      Libc.rename(at(t.src, "big"), at(t.src, "big2"));
      Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(60));
      assertThat(Trees.exists(at(t.dst, "big"))).isFalse();
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
    int files = (int) DaemonKind.SPLIT_MIN_ENTRIES + 2000, size = 2048;
    try (var t = new Synced(src -> {
      // three quarters in one directory: it is opened, its subdirectories go to different parts
      randomFiles(src, files, size, 5, i -> (i % 4 == 0 ? "tree/side" + i % 3 : "tree/bulk/d" + i % 7) + "/f" + i);
      Trees.chmod(at(src, "tree/bulk"), 0700);
    }, 120)) {
      Libc.mkdir(at(t.src, "archive"), 0755);
      Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(60));
      long before = received(t.daemon.log());
      var logger = (Logger) LoggerFactory.getLogger(RsyncTransport.class);
      var level = logger.getLevel();
      logger.setLevel(Level.DEBUG);
      try (var logs = new LogCapture()) {
        Libc.rename(at(t.src, "tree"), at(t.src, "archive/tree-2026"));
        Trees.awaitSameTree(t.src, t.dst, Duration.ofSeconds(120));
        // rsync reads a --files-from list one byte per read(2): the parts' names go as its arguments
        assertThat(logs.lines().stream().filter(l -> l.contains("[rsync, ") && l.contains("--link-dest=")).toList())
            .as("the parts' runs").hasSize(DaemonKind.PARTS).noneMatch(l -> l.contains("--files-from")).allMatch(l -> l.contains("/archive/tree-2026/./"));
      } finally {
        logger.setLevel(level);
      }

      long sent = received(t.daemon.log()) - before;
      System.out.printf("a renamed directory of %d files of %d bytes: %d bytes received by the daemon%n", files, size, sent);
      assertThat(sent).as("bytes sent for the rename (its data is %d)", (long) files * size).isLessThan((long) files * size / 4);
      assertThat(Trees.exists(at(t.dst, "tree"))).isFalse();
      // the daemon logs each session's destination: the directory made alone first (parts racing to
      // make it fail with exit 11), the parts, and the last run of the directories, each to the new name
      long runs = t.daemon.log().lines().filter(l -> l.contains("rsync to ") && l.contains("/archive/tree-2026/ from")).count();
      assertThat(runs).as("runs into the new name").isEqualTo(DaemonKind.PARTS + 2L);
      assertThat(t.daemon.log().lines().filter(l -> l.contains("failed")).toList()).as("errors in the daemon's log").isEmpty();
    }
  }

  /** Sum of "received N bytes" over the daemon's session lines. */
  static long received(String log) {
    long sum = 0;
    Matcher m = Pattern.compile("received (\\d+) bytes").matcher(log);
    while (m.find()) sum += Long.parseLong(m.group(1));
    return sum;
  }

  /** {@code count} files of {@code size} random bytes (from {@code seed}), file {@code i} at {@code name(i)}. */
  static void randomFiles(byte[] src, int count, int size, long seed, IntFunction<String> name) {
    var rnd = new Random(seed);
    for (int i = 0; i < count; i++) {
      byte[] data = new byte[size];
      rnd.nextBytes(data);
      Trees.write(at(src, name.apply(i)), data);
    }
  }

  /** What the test writes into the source before the replica starts. */
  interface Fill {
    void into(byte[] src) throws Exception;
  }

  /**
   * A source filled by the test, replicated to a loopback rsync daemon until the daemon's copy equals
   * it (at most {@code seconds}); closing stops the replica and the daemon and deletes both trees.
   */
  static final class Synced implements AutoCloseable {
    final byte[] src = Trees.tempDir("ls-dr-src"), dst = Trees.tempDir("ls-dr-dst");
    final RsyncDaemon daemon;
    private Replicator replicator;

    Synced(Fill fill, int seconds) throws Exception {
      this(fill, seconds, UnaryOperator.identity());
    }

    /** {@code wrap}: the daemon's transport as the replica gets it (failure injection). */
    Synced(Fill fill, int seconds, UnaryOperator<Transport> wrap) throws Exception {
      this(fill, seconds, wrap, UnaryOperator.identity());
    }

    /** {@code daemonAs}: the daemon's rsyncd.conf module options. */
    Synced(Fill fill, int seconds, UnaryOperator<Transport> wrap, UnaryOperator<RsyncDaemon.Builder> daemonAs) throws Exception {
      Trees.chmod(src, 0755);
      Trees.chmod(dst, 0755);
      fill.into(src);
      daemon = daemonAs.apply(RsyncDaemon.builder(Trees.path(dst))).start();
      try {
        var s = EngineSettings.builder("dr", src).stateDir(Trees.path(Trees.tempDir("ls-dr-state"))).build();
        replicator = Replicator.start(s, List.of(wrap.apply(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults()))), null);
        Trees.awaitSameTree(src, dst, Duration.ofSeconds(seconds));
      } catch (Exception | AssertionError e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() throws Exception {
      try {
        if (replicator != null) replicator.stop(Duration.ofSeconds(10));
        daemon.close();
      } finally {
        Trees.delete(src);
        Trees.delete(dst);
      }
    }
  }
}
