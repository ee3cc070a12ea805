package dev.livesync.reliability;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The watcher's hard cases, each run with inotify and with fanotify: the engine in-process, real
 * rsync to a local directory, the source a directory of a loop-mounted ext4 of the class's own (so a
 * fanotify filesystem mark sees only the test's changes, including those made beside the source).
 */
class WatcherScenariosTest {
  @org.junit.jupiter.api.extension.RegisterExtension static final LoopFs.PerClass fs = LoopFs.perClass(128);
  byte[] src;
  byte[] dst;
  byte[] beside;
  Replicator r;
  String startIn;

  @AfterEach
  void stop() throws Exception {
    if (r != null) r.stop(Duration.ofSeconds(10));
    for (byte[] d : new byte[][] {src, dst, beside}) if (d != null) Trees.delete(d);
  }

  void start(WatcherChoice.Kind watcher) throws Exception {
    start(watcher, null);
  }

  /** Bytes of events read ahead of the engine ({@link EngineSettings.Builder#readAhead}); the default unless a test sets it. */
  long readAhead = EngineSettings.DEFAULT_READ_AHEAD;

  void start(WatcherChoice.Kind watcher, dev.livesync.sync.DeliveryListener listener) throws Exception {
    src = Bytes.of(Files.createTempDirectory(fs.root(), "src").toString());
    if (startIn != null) Trees.mkdirs(at(src, startIn));
    beside = Bytes.of(Files.createTempDirectory(fs.root(), "beside").toString());
    dst = Trees.tempDir("scenario-dst");
    var s = EngineSettings.builder("scenario", src).stateDir(Trees.path(Trees.tempDir("scenario-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).watcher(watcher).readAhead(readAhead).build();
    r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), listener);
    assertThat(r.status().watches()).as("watches or marks").isPositive();
  }

  void converge() throws InterruptedException {
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * A real queue overflow without lowering any /proc/sys limit: the engine's loop is held (failure
   * injection: a delivery listener that blocks) while more changes are made than the kernel queues
   * (16,384 events by default, inotify and fanotify alike), with nothing read ahead of the engine;
   * then it must rescan, converge, and keep watching. Run on fanotify only in the suite (about a
   * minute: 17,000 files through the engine); inotify's overflow is FaultScenariosTest's (a lowered
   * queue), and this passes on inotify too.
   */
  @ParameterizedTest
  @EnumSource(names = {"FANOTIFY"})
  void aQueueOverflowIsRescannedAndWatchingContinues(WatcherChoice.Kind watcher) throws Exception {
    readAhead = 0;
    heldWhileMoreThanTheKernelQueuesIsWritten(watcher, true);
  }

  /**
   * The same stall with the events read ahead of the engine (the default): the kernel's queue does
   * not overflow, nothing is rescanned, and every change arrives.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY"}) // the read-ahead is the same code for fanotify (fs.WakeableFd); a minute each
  void aStalledEngineLosesNoEventsWithTheReadAhead(WatcherChoice.Kind watcher) throws Exception {
    heldWhileMoreThanTheKernelQueuesIsWritten(watcher, false);
  }

  private void heldWhileMoreThanTheKernelQueuesIsWritten(WatcherChoice.Kind watcher, boolean overflows) throws Exception {
    var armed = new java.util.concurrent.atomic.AtomicBoolean();
    var held = new java.util.concurrent.CountDownLatch(1);
    var release = new java.util.concurrent.CountDownLatch(1);
    startIn = "many"; // made before the engine starts: inotify watches it from the start
    start(watcher, (target, item, result, now) -> {
      if (!armed.compareAndSet(true, false)) return;
      held.countDown();
      try {
        release.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try (var logs = new LogCapture()) {
      armed.set(true);
      Trees.write(at(src, "trigger"), "x");
      assertThat(held.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the loop delivered the trigger").isTrue();
      long queue = watcher == WatcherChoice.Kind.FANOTIFY ? dev.livesync.fs.KernelLimits.fanotifyMaxQueuedEvents()
          : dev.livesync.fs.KernelLimits.maxQueuedEvents();
      byte[] many = at(src, "many");
      for (long i = 0; i <= queue + 1000; i++) Libc.writeFile(Bytes.child(many, Bytes.of("f" + i)), new byte[0], 0644);
      release.countDown();
      if (!overflows) {
        converge();
        assertThat(r.status().overflows()).as("overflows").isZero();
        assertThat(logs.text()).doesNotContain("overflowed");
        return;
      }
      Await.until("an overflow counted", CONVERGE, () -> r.status().overflows() > 0, r::status);
      assertThat(r.status().overflows()).as("overflows").isPositive();
      converge();
      assertThat(logs.text()).contains(watcher.word() + " event queue overflowed").contains("watching continues");
      Trees.write(at(src, "many/after"), "seen live after the rescan");
      converge();
    } finally {
      release.countDown();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void directoriesRenamedRightAfterCreation(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    for (int i = 0; i < 40; i++) {
      Trees.mkdirs(at(src, "n" + i + "/deep"));
      Trees.write(at(src, "n" + i + "/deep/f"), "first " + i);
      Libc.rename(at(src, "n" + i), at(src, "m" + i));
      Trees.write(at(src, "m" + i + "/deep/g"), "made after the rename " + i);
    }
    converge();
    assertThat(Trees.read(at(dst, "m39/deep/g"))).isEqualTo(Bytes.of("made after the rename 39"));
  }

  /**
   * Found by a tester (data loss, status ok): a new directory renamed while a new one takes its old
   * name, all before the engine reads the events (the tester stopped livesync with SIGSTOP; here its
   * loop is held by a delivery listener that blocks). Also a chain of such names, and a watched
   * directory moved into a renamed one. What is written afterwards under the new names must arrive.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void newDirectoriesRenamedWhileOthersTakeTheirNamesBeforeTheEngineReadsThem(WatcherChoice.Kind watcher) throws Exception {
    startIn = "ch2/deep";
    startAndChangeWhileTheLoopIsHeld(watcher, () -> {
      Trees.mkdirs(at(src, "n/sub")); // the tester's: mkdir -p n/sub; mv n n2; mkdir n
      Libc.rename(at(src, "n"), at(src, "n2"));
      Trees.mkdirs(at(src, "n"));
      Trees.mkdirs(at(src, "c/sub")); // a chain: c -> c2, a new c -> c3, a newer c
      Libc.rename(at(src, "c"), at(src, "c2"));
      Trees.mkdirs(at(src, "c/sub3"));
      Libc.rename(at(src, "c"), at(src, "c3"));
      Trees.mkdirs(at(src, "c"));
      Trees.mkdirs(at(src, "q")); // a watched directory moved into the renamed one
      Libc.rename(at(src, "q"), at(src, "q2"));
      Trees.mkdirs(at(src, "q"));
      Libc.rename(at(src, "ch2"), at(src, "q2/ch2"));
    });
    converge();
    List<String> later = List.of("n2/sub/x", "n2/z", "n/y", "c2/sub/a", "c3/sub3/b", "c3/d", "c/e", "q2/ch2/deep/f", "q2/g", "q/h");
    for (String f : later) Trees.write(at(src, f), "written after: " + f);
    converge();
    assertThat(Trees.read(at(dst, "n2/sub/x"))).isEqualTo(Bytes.of("written after: n2/sub/x"));
  }

  /**
   * Found by a tester (data loss): watched directories moved into a new directory and out of it again
   * ({@code mkdir fresh; mv old/d fresh/d; mv fresh/d e}), or into a new directory that is then
   * renamed, all before the engine reads the events. inotify found them at their new names and moved
   * their watches there, then unwatched them for the unpaired moves out of where they were. What is
   * written inside them afterwards must arrive.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void watchedDirectoriesMovedThroughNewOnesBeforeTheEngineReadsThem(WatcherChoice.Kind watcher) throws Exception {
    startIn = "old/d/sub";
    startAndChangeWhileTheLoopIsHeld(watcher, () -> {
      Trees.mkdirs(at(src, "fresh"));
      Libc.rename(at(src, "old/d"), at(src, "fresh/d"));
      Libc.rename(at(src, "fresh/d"), at(src, "e"));
      Trees.mkdirs(at(src, "fresh2"));
      Libc.rename(at(src, "old"), at(src, "fresh2/old"));
      Libc.rename(at(src, "fresh2"), at(src, "fresh3"));
    });
    converge();
    List<String> later = List.of("e/x", "e/sub/y", "fresh3/old/z");
    for (String f : later) Trees.write(at(src, f), "written after: " + f);
    converge();
    assertThat(Trees.read(at(dst, "e/sub/y"))).isEqualTo(Bytes.of("written after: e/sub/y"));
  }

  /** Changes made while the engine's loop is held. */
  interface Changes {
    void make() throws Exception;
  }

  /**
   * Starts the engine with its loop held (a delivery listener that blocks on the first delivery after
   * a trigger file) while {@code changes} are made, so that their events are all queued before the
   * engine reads any of them; the loop goes on after.
   */
  private void startAndChangeWhileTheLoopIsHeld(WatcherChoice.Kind watcher, Changes changes) throws Exception {
    var armed = new java.util.concurrent.atomic.AtomicBoolean();
    var held = new java.util.concurrent.CountDownLatch(1);
    var release = new java.util.concurrent.CountDownLatch(1);
    start(watcher, (target, item, result, now) -> {
      if (!armed.compareAndSet(true, false)) return;
      held.countDown();
      try {
        release.await(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      armed.set(true);
      Trees.write(at(src, "trigger"), "x");
      assertThat(held.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the loop delivered the trigger").isTrue();
      changes.make();
    } finally {
      release.countDown();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void hostileNames(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    byte[] dir = at(src, "dir with\nnewline");
    Trees.mkdirs(dir);
    for (byte[] name : Trees.hostileNames()) {
      Trees.write(Bytes.child(src, name), name);
      Trees.write(Bytes.child(dir, name), name);
    }
    converge();
    assertThat(Trees.list(dst)).hasSizeGreaterThan(Trees.hostileNames().size());
  }

  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void parentsThatVanishWhileTheirEventsAreQueued(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    for (int round = 0; round < 10; round++) {
      for (int i = 0; i < 20; i++) Trees.write(at(src, "v" + round + "/a/b/c/f" + i), "x");
      Trees.delete(at(src, "v" + round + "/a"));
      Trees.write(at(src, "v" + round + "/kept"), "kept " + round);
    }
    converge();
    assertThat(Trees.exists(at(dst, "v9/a"))).isFalse();
    assertThat(Trees.read(at(dst, "v9/kept"))).isEqualTo(Bytes.of("kept 9"));
  }

  /**
   * Directories replaced by a symlink right after files were made in them: to itself (a path through
   * it fails with ELOOP), to nowhere, to a directory beside the source. The engine looks at the files'
   * queued paths through the symlink; none of that may stop it, and the target ends with the links.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void directoriesReplacedBySymlinksWhileTheirEventsAreQueued(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    Trees.mkdirs(at(beside, "elsewhere"));
    for (int round = 0; round < 12; round++) {
      String d = "s" + round;
      for (int i = 0; i < 20; i++) Trees.write(at(src, d + "/a/b/f" + i), "x");
      Trees.delete(at(src, d + "/a"));
      String target = switch (round % 3) {
        case 0 -> "a";
        case 1 -> "nowhere";
        default -> Bytes.latin1(at(beside, "elsewhere"));
      };
      Trees.symlink(at(src, d + "/a"), Bytes.of(target));
      Trees.write(at(src, d + "/kept"), "kept " + round);
    }
    converge();
    assertThat(r.crashed()).as("the engine's loop").isNull();
    assertThat(Libc.readlinkOrNull(at(dst, "s9/a"))).isEqualTo(Bytes.of("a"));
    Trees.write(at(src, "after"), "still replicating");
    converge();
  }

  /**
   * A chain of directories deeper than a path may be long (PATH_MAX, 4,096 bytes), made one level
   * at a time from the level above, as any user can: its deepest directories cannot be watched, no
   * path through them can be looked at in one call, and rsync cannot name what is 4,096 bytes below
   * the source. The engine goes on with everything else and says which directory it cannot watch.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void aChainOfDirectoriesDeeperThanAPathMayBeLeavesTheRestReplicated(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    String level = "d".repeat(250);
    try (var logs = new LogCapture()) {
      Trees.chainOfDirs(src, level);
      Trees.write(at(src, "after"), "made after the chain");
      Await.until("'after' at the target", CONVERGE, () -> Trees.exists(at(dst, "after")), () -> logs.text());
      // Not asserted as 'after' arrives: nothing orders 'after' behind the chain's own items (other
      // paths: they go before it, with it or after it, on another worker)
      Await.until("a level rsync can name at the target", CONVERGE, () -> Trees.exists(at(dst, level + "10/" + level + "11")), () -> logs.text());
      assertThat(r.crashed()).as("the engine's loop").isNull();
      if (watcher == WatcherChoice.Kind.INOTIFY) assertThat(logs.text()).contains("its path is longer than Linux takes in one call");
      Trees.write(at(src, "after2"), "and again");
      Await.until("'after2' at the target", CONVERGE, () -> Trees.exists(at(dst, "after2")), () -> logs.text());
      assertThat(r.crashed()).as("the engine's loop").isNull();
      // a failure with no rsync exit (-1: the send refused or thrown before rsync ran) is said without "(rsync exit N)"
      String target = Bytes.display(dst) + ": ";
      assertThat(logs.lines()).as("the target never taken as failing (by a look at the deepest level that threw)")
          .noneMatch(l -> (l.startsWith("WARN " + target) || l.startsWith("ERROR " + target)) && l.contains(" failed")
              && !l.contains(" not transferred (")); // a path rsync could not name: its words may say "failed"
    } finally {
      Trees.deleteChain(level, src, dst); // before the test's own cleanup, which names whole paths
    }
  }

  /**
   * Found by a tester: the source's own directory changed alone ({@code chmod}, {@code chown},
   * {@code touch -d}) while nothing else changes. No send carries it along as a parent then, and its
   * own event (on the root's watch with no name; with fanotify, on the root itself) was dropped: the
   * target's root kept the old mode, owner or mtime for good, and a clean stop was recorded anyway.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void theSourcesOwnModeOwnerAndMtimeReachTheTarget(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    Trees.write(at(src, "f"), "a file, so that the start has something to send");
    converge();
    Await.until("the target's root as the source's after the start", CONVERGE, () -> sameRoot().isEmpty(), this::sameRoot);
    for (List<String> change : List.of(List.of("chmod", "751"), List.of("chown", "nobody:nogroup"), List.of("touch", "-d", "2004-04-04 04:04"))) {
      var argv = new java.util.ArrayList<>(change);
      argv.add(Bytes.latin1(src));
      assertThat(new ProcessBuilder(argv).inheritIO().start().waitFor()).as(String.join(" ", argv)).isZero();
      assertThat(sameRoot()).as("changed at the source: " + argv).isNotEmpty();
      Await.until("the root after " + argv + " at the target", CONVERGE, () -> sameRoot().isEmpty(), this::sameRoot);
    }
    assertThat(r.crashed()).as("the engine's loop").isNull();
  }

  /** How the target's root differs from the source's in mode, owner, group and mtime (empty: not at all). */
  private List<String> sameRoot() {
    Libc.Stat a = Libc.lstat(src), b = Libc.lstat(dst);
    var d = new java.util.ArrayList<String>();
    if (a.mode() != b.mode()) d.add("mode " + Integer.toOctalString(a.mode()) + " at the source, " + Integer.toOctalString(b.mode()) + " at the target");
    if (a.uid() != b.uid() || a.gid() != b.gid()) d.add("owner " + a.uid() + ":" + a.gid() + " at the source, " + b.uid() + ":" + b.gid() + " at the target");
    if (a.mtimeSec() != b.mtimeSec()) d.add("mtime " + a.mtimeSec() + " at the source, " + b.mtimeSec() + " at the target");
    return d;
  }

  /**
   * Found by a tester: a directory that could not be watched (beyond PATH_MAX) stayed counted once it
   * was gone, so status said DEGRADED and no stop was clean (every start a full sync) for good. It
   * counts while it is in the tree, under whatever name it has there (moved within the tree it still
   * is not watched), and no longer once it, or a directory above it, is deleted or moved out.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void aDirectoryThatCouldNotBeWatchedCountsNoLongerOnceItLeftTheTree(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    String level = "d".repeat(250);
    try {
      Trees.mkdirs(at(src, "p"));
      Trees.chainOfDirs(at(src, "p"), level);
      Trees.write(at(src, "after"), "made after the chain");
      Await.until("'after' at the target", CONVERGE, () -> Trees.exists(at(dst, "after")), r::status);
      Await.until("a directory counted as not watched", CONVERGE, () -> r.status().unwatchedDirs() > 0, r::status);
      long counted = r.status().unwatchedDirs();
      Libc.rename(at(src, "p"), at(src, "p2"));
      Trees.write(at(src, "after2"), "made after the rename");
      Await.until("'after2' at the target", CONVERGE, () -> Trees.exists(at(dst, "after2")), r::status);
      Await.until("named where it is now", CONVERGE, () -> r.status().firstUnwatched().contains("/p2/"), r::status);
      assertThat(r.status().unwatchedDirs()).as("moved within the tree: still not watched").isEqualTo(counted);
      Libc.rename(at(src, "p2"), at(beside, "p2"));
      Await.until("none counted once moved out of the tree", CONVERGE, () -> r.status().unwatchedDirs() == 0, r::status);

      Trees.chainOfDirs(src, level);
      Await.until("the new chain counted", CONVERGE, () -> r.status().unwatchedDirs() > 0, r::status);
      Trees.deleteChain(level, src);
      Await.until("none counted once deleted", CONVERGE, () -> r.status().unwatchedDirs() == 0, r::status);
      assertThat(r.status().firstUnwatched()).as("nothing said of it").isEmpty();
      assertThat(r.crashed()).as("the engine's loop").isNull();
    } finally {
      Trees.deleteChain(level, src, at(src, "p"), at(src, "p2"), at(beside, "p2"), dst, at(dst, "p"), at(dst, "p2"));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void aTreeMovedInFromBesideTheSourceAndOutAgain(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    for (int i = 0; i < 5; i++) Trees.write(at(beside, "tree/d" + i + "/e/f"), "outside " + i);
    Trees.write(at(beside, "noise"), "never sent");
    Libc.rename(at(beside, "tree"), at(src, "tree"));
    converge();
    assertThat(Trees.read(at(dst, "tree/d4/e/f"))).isEqualTo(Bytes.of("outside 4"));
    Trees.write(at(src, "tree/d0/e/new"), "made inside the moved-in tree");
    Trees.write(at(beside, "noise2"), "never sent");
    converge();
    Libc.rename(at(src, "tree"), at(beside, "tree-again"));
    Trees.write(at(beside, "tree-again/d1/later"), "after it left");
    converge();
    assertThat(Trees.exists(at(dst, "tree"))).isFalse();
    assertThat(Trees.exists(at(dst, "noise"))).isFalse();
  }

  /**
   * Names exchanged in one step (RENAME_EXCHANGE): directories with each other, with a file, with a
   * directory beside the source (in and out at once); then writes into each under its new name, which
   * the watcher must report under that name.
   */
  @ParameterizedTest
  @EnumSource(names = {"INOTIFY", "FANOTIFY"})
  void namesExchangedInOneStep(WatcherChoice.Kind watcher) throws Exception {
    start(watcher);
    for (String d : List.of("a/sub", "b", "c/sub")) Trees.write(at(src, d + "/f"), d);
    Trees.write(at(src, "file"), "a file");
    Trees.write(at(beside, "outside/sub/f"), "from beside");
    converge();
    Trees.exchange(at(src, "a"), at(src, "b"));
    Trees.exchange(at(src, "c"), at(src, "file"));
    Trees.exchange(at(src, "b/sub"), at(beside, "outside/sub"));
    converge();
    for (String d : List.of("a", "b", "file/sub", "b/sub")) Trees.write(at(src, d + "/later"), "written into " + d);
    converge();
    assertThat(Trees.read(at(dst, "b/sub/f"))).isEqualTo(Bytes.of("from beside"));
  }
}
