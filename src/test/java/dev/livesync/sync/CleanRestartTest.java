package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TransferResult;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A restart after a clean stop sends what changed while livesync was stopped, not the whole tree
 * (real rsync to a local directory and to a loopback daemon, counting the rsyncs by kind); whatever
 * makes the clean stop's record not fit — other settings, a stop that was not clean, a record too
 * old, {@code startup = full} — brings the full sync back. Deletions made while stopped go through
 * the mass-deletion guard as live ones do.
 */
class CleanRestartTest {
  @RegisterExtension final EngineFixture engine = new EngineFixture("restart");
  private final Shifted clock = new Shifted();
  private final Delivered delivered = new Delivered();

  /** The wall clock moved by {@link #shiftMillis}: change times are the kernel's, so the engine's must be the real one. */
  static final class Shifted implements Clock {
    volatile long shiftMillis;

    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public long epochMillis() {
      return System.currentTimeMillis() + shiftMillis;
    }
  }

  /** The items every target got, in the order they arrived. */
  static final class Delivered implements DeliveryListener {
    final List<WorkItem> items = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {
      items.add(item);
    }

    boolean fullSync() {
      synchronized (items) {
        return items.stream().anyMatch(i -> i instanceof WorkItem.FullSync);
      }
    }
  }

  /** 5 directories of 20 files and big/ with 300: 406 entries. */
  private void sourceTree() {
    for (int d = 0; d < 5; d++) for (int i = 0; i < 20; i++) Trees.write(at(engine.src, "d" + d + "/f" + i), "d" + d + "f" + i);
    for (int i = 0; i < 300; i++) Trees.write(at(engine.src, "big/sub" + i % 3 + "/g" + i), "g" + i);
  }

  private GuardedFullSyncTest.Counted target(String kind) throws InterruptedException {
    return new GuardedFullSyncTest.Counted(engine.rsync(kind));
  }

  /** A quick engine deleting at most 1,000 paths a minute: a number, so no deletion needs the target's size. */
  private EngineSettings.Builder settings() {
    return engine.settings().maxDelete(dev.livesync.settings.Key.MAX_DELETE.maxDelete("1000"));
  }

  /** Starts, waits until everything arrived and the target equals the source, and stops (cleanly, when nothing is left). */
  private GuardedFullSyncTest.Counted run(EngineSettings s, String kind) throws Exception {
    var t = target(kind);
    delivered.items.clear();
    Replicator r = start(s, t);
    Await.until("caught up", Await.CONVERGE, r::caughtUp, () -> r.status());
    Trees.awaitSameTree(engine.src, engine.dst, Await.CONVERGE);
    engine.stop(Duration.ofSeconds(10));
    return t;
  }

  private Replicator start(EngineSettings s, dev.livesync.transport.Transport t) throws InterruptedException {
    delivered.items.clear();
    return engine.start(s, List.of(t), delivered, clock);
  }

  private boolean recorded() {
    try (var files = Files.list(engine.state)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(CleanStop.RECORD));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Changes, additions and deletions of every kind, made while the engine is stopped: 43 entries
   * deleted (60 with the test's own), under an eighth of the limit of 1,000 (more would have the guard look at the whole tree
   * before it lets them go, as it does live).
   */
  private void changeWhileStopped() {
    Trees.write(at(engine.src, "d0/f1"), "changed in place");
    Trees.write(at(engine.src, "d1/new"), "added");
    Trees.delete(at(engine.src, "d2/f3"));
    Trees.delete(at(engine.src, "d3")); // a directory with its 20 files
    Trees.write(at(engine.src, "made/deep/x"), "a new tree");
    Trees.chmod(at(engine.src, "d4/f0"), 0600);
    try {
      Files.move(Trees.path(at(engine.src, "d4/f1")), Trees.path(at(engine.src, "d1/moved"))); // a rename sets the file's ctime
      Files.move(Trees.path(at(engine.src, "d4")), Trees.path(at(engine.src, "renamed"))); // its files keep their ctimes
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aRestartAfterACleanStopSendsOnlyWhatChanged(String kind) throws Exception {
    sourceTree();
    byte[] outside = Trees.tempDir("restart-outside"); // made before the stop: its files' ctimes are older than it
    for (int i = 0; i < 3; i++) Trees.write(at(outside, "f" + i), "from outside " + i);
    var first = run(settings().build(), kind);
    assertThat(delivered.fullSync()).as("the first start has no clean stop to go by").isTrue();
    assertThat(first.dryRuns.get() + first.wholes.get() + first.parts.get()).isPositive();
    assertThat(recorded()).as("the clean stop is recorded").isTrue();

    changeWhileStopped();
    Trees.delete(at(engine.src, "d2")); // and a directory moved in under the name of one deleted: f0..f2 as before, but other files
    Files.move(Trees.path(outside), Trees.path(at(engine.src, "d2")));
    // the stop is recorded as 3 s later than it is: else the third start sends again what changed
    // within the 2 s before the second stop (a margin for the kernel's coarse clock), that is all of it
    clock.shiftMillis = 3000;
    var second = run(settings().build(), kind);
    assertThat(delivered.fullSync()).as("no full sync").isFalse();
    assertThat(second.dryRuns.get()).as("whole-tree dry runs").isZero();
    assertThat(second.wholes.get()).as("whole-tree rsyncs").isZero();
    assertThat(second.parts.get()).as("parts of a full sync").isZero();
    assertThat(second.sends.get()).as("sends").isPositive();
    Trees.assertSameTree(engine.src, engine.dst);
    assertThat(recorded()).as("recorded again at the second stop").isTrue();

    // and once more with nothing changed: the root alone is looked at, its entries (a dry run) and itself
    var third = run(settings().build(), kind);
    assertThat(delivered.fullSync()).isFalse();
    assertThat(third.tops.get()).as("looks at the target's top level").isEqualTo(1);
    assertThat(third.all()).as("rsyncs of a restart with nothing changed").isEqualTo(2);
  }

  /** Empties the target directory (as a new backup disk, a module directory made again), keeping the directory. */
  private void wipeTarget() {
    Trees.delete(engine.dst);
    try {
      Files.createDirectories(Trees.path(engine.dst));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Trees.chmod(engine.dst, 0755);
  }

  /** Starts after a clean stop with {@code kind}'s target changed, waits until the target equals the source; what the log said. */
  private String restartOnto(String kind, Runnable meanwhile) throws Exception {
    sourceTree();
    Trees.write(at(engine.src, "top"), "a file at the top");
    // the stop recorded 3 s late: else all of the tree, written less than 2 s before it, counts as changed since
    clock.shiftMillis = 3000;
    run(settings().build(), kind);
    assertThat(recorded()).as("the clean stop is recorded").isTrue();
    Thread.sleep(1100); // and what changes now comes after it, less the 2 s margin
    meanwhile.run();
    try (var logs = new LogCapture()) {
      run(settings().build(), kind);
      Trees.assertSameTree(engine.src, engine.dst);
      return logs.text();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aTargetWipedWhileStoppedIsRefilledByTheFullSync(String kind) throws Exception {
    String log = restartOnto(kind, () -> {
      wipeTarget();
      Trees.write(at(engine.src, "d0/f1"), "changed while stopped too");
    });
    assertThat(delivered.fullSync()).as("a full sync").isTrue();
    assertThat(log).contains(": full sync at start: the target's top level differs from the source's in 7 entries not changed since the "
        + "clean stop (e.g. 'top': missing at the target): it changed while livesync was stopped").doesNotContain("no full sync at start");
    assertThat(recorded()).as("recorded again at the stop after it").isTrue();
  }

  @Test
  void aTargetWipedWhileEveryEntryAtTheTopChangedAtTheSourceIsRefilledToo() throws Exception {
    String log = restartOnto("local", () -> {
      wipeTarget();
      for (String d : List.of("big", "d0", "d1", "d2", "d3", "d4")) Trees.write(at(engine.src, d + "/new"), "its mtime changes");
      Trees.write(at(engine.src, "top"), "changed too");
    });
    assertThat(delivered.fullSync()).as("a full sync").isTrue();
    assertThat(log).contains("in 7 entries not changed since the clean stop (e.g. 'top': missing at the target)");
  }

  @Test
  void oneTopLevelFileDeletedAtTheTargetBringsTheFullSync() throws Exception {
    String log = restartOnto("local", () -> {
      Trees.delete(at(engine.dst, "top"));
      Trees.write(at(engine.src, "d1/new"), "added while stopped");
    });
    assertThat(delivered.fullSync()).as("a full sync").isTrue();
    assertThat(log).contains("in 1 entry not changed since the clean stop (e.g. 'top': missing at the target)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void whatTheSourceChangedAtTheTopWhileStoppedIsNoReasonForAFullSync(String kind) throws Exception {
    String log = restartOnto(kind, () -> {
      Trees.write(at(engine.src, "top"), "changed, a new size");
      Trees.write(at(engine.src, "newtop"), "a new file at the top");
      Trees.delete(at(engine.src, "d3")); // a directory gone from the top
      Trees.write(at(engine.src, "d0/new"), "d0's mtime changes");
      Trees.chmod(at(engine.src, "d1"), 0700);
    });
    assertThat(delivered.fullSync()).as("no full sync").isFalse();
    assertThat(log).contains("no full sync at start").doesNotContain("full sync at start: the target's top level");
  }

  /**
   * Failure injection: while a start looks at the target's top level, files are written at the top
   * and below it, and their sends are held until the look is done, so that its dry run lists them
   * missing (or different) at the target, as on a busy server.
   */
  static final class WrittenWhileLooking extends GuardedFullSyncTest.Counted {
    private final byte[] src;
    final java.util.Set<String> entered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.CountDownLatch looked = new java.util.concurrent.CountDownLatch(1);
    volatile String missed = "";

    WrittenWhileLooking(byte[] src, RsyncTransport inner) {
      super(inner);
      this.src = src;
    }

    @Override
    public dev.livesync.transport.Drift topLevel() throws InterruptedException {
      Trees.write(at(src, "late"), "written at the top while the start runs");
      Trees.write(at(src, "d0/late"), "and below the top");
      long end = System.nanoTime() + 30_000_000_000L; // a worker thread: no assertion here, the test looks at `missed`
      while (!entered.containsAll(List.of("late", "d0/late")) && System.nanoTime() < end) Thread.sleep(10);
      if (!entered.containsAll(List.of("late", "d0/late"))) missed = "their sends did not start while the start looked: " + entered;
      try {
        return super.topLevel();
      } finally {
        looked.countDown();
      }
    }

    @Override
    public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
      hold(paths);
      return super.send(paths, recursive, maxDeletions);
    }

    @Override
    public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
      hold(paths);
      return super.send(paths, recursive);
    }

    private void hold(List<byte[]> paths) throws InterruptedException {
      if (looked.getCount() == 0) return;
      for (byte[] p : paths) entered.add(Bytes.latin1(p));
      looked.await(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void whatIsWrittenAtTheTopWhileTheStartLooksIsNoReasonForAFullSync(String kind) throws Exception {
    sourceTree();
    clock.shiftMillis = 3000; // the stop recorded 3 s late: else all of the tree, written less than 2 s before it, counts as changed since
    run(settings().build(), kind);
    assertThat(recorded()).as("the clean stop is recorded").isTrue();
    var t = new WrittenWhileLooking(engine.src, engine.rsync(kind));
    try (var logs = new LogCapture()) {
      Replicator r = start(settings().workers(4).build(), t);
      assertThat(t.missed).isEmpty();
      Await.until("caught up", Await.CONVERGE, r::caughtUp, () -> r.status());
      Trees.awaitSameTree(engine.src, engine.dst, Await.CONVERGE);
      assertThat(delivered.fullSync()).as("no full sync: " + logs.text()).isFalse();
      assertThat(logs.text()).contains("no full sync at start");
    }
  }

  @Test
  void aTargetThatRefusesUsStillFailsTheStart() throws Exception {
    sourceTree();
    run(settings().build(), "daemon");
    Files.writeString(engine.daemon().passwordFile(), "wrong\n");
    assertThatThrownBy(() -> start(settings().build(), target("daemon")))
        .isInstanceOfSatisfying(dev.livesync.LivesyncException.class, e -> assertThat(e.exitCode()).isEqualTo(5));
  }

  @Test
  void withAShareAsTheDeletionLimitTheDeletionsCostAWholeTreeDryRunButNoFullSync() throws Exception {
    sourceTree();
    run(engine.settings().build(), "local");
    changeWhileStopped();
    var second = run(engine.settings().build(), "local");
    assertThat(delivered.fullSync()).isFalse();
    // a share of the target needs the target's size, which only a dry run of the whole tree tells
    assertThat(second.dryRuns.get()).as("the guard's looks at the whole tree").isPositive();
    assertThat(second.wholes.get() + second.parts.get()).as("rsyncs of a full sync").isZero();
    Trees.assertSameTree(engine.src, engine.dst);
  }

  @Test
  void otherExcludesThanAtTheStopBringTheFullSyncBack() throws Exception {
    sourceTree();
    run(settings().build(), "local");
    Trees.write(at(engine.src, "d0/f1"), "changed");
    var again = run(settings().excludes(List.of("*.tmp")).build(), "local");
    assertThat(delivered.fullSync()).as("a full sync").isTrue();
    assertThat(again.dryRuns.get()).as("the guard's whole-tree look").isEqualTo(1);
  }

  @Test
  void startupFullAlwaysRunsTheFullSync() throws Exception {
    sourceTree();
    run(settings().build(), "local");
    assertThat(recorded()).isTrue();
    run(settings().startup(StartupMode.FULL).build(), "local");
    assertThat(delivered.fullSync()).isTrue();
    assertThat(recorded()).as("a full start still records its clean stop").isTrue();
    run(settings().startup("changes").build(), "local");
    assertThat(delivered.fullSync()).isFalse();
  }

  @Test
  void aStopThatLeftWorkBehindRecordsNothing() throws Exception {
    sourceTree();
    run(settings().build(), "local");
    LocalRsyncTransport t = engine.local();
    Replicator r = start(settings().build(), t);
    Await.until("caught up", Await.CONVERGE, r::caughtUp, () -> r.status());
    assertThat(recorded()).as("a start consumes the record").isFalse();
    t.down = true;
    Trees.write(at(engine.src, "d0/late"), "not sent before the stop");
    Await.until("retrying", Await.CONVERGE, () -> r.status().targets().getFirst().state().equals("retrying"), () -> r.status());
    engine.stop(Duration.ZERO);
    assertThat(recorded()).as("work was left in the journal").isFalse();
    run(settings().build(), "local");
    assertThat(delivered.fullSync()).isTrue();
  }

  @Test
  void underAPolicyWithoutDeleteAtStartWhatTheSourceLostWhileStoppedStaysAtTheTarget() throws Exception {
    sourceTree();
    var s = settings().delete(DeletePolicy.RUNNING).build();
    run(s, "local");
    Trees.delete(at(engine.src, "d2/f3"));
    Trees.write(at(engine.src, "d2/new"), "added");
    var t = target("local");
    Replicator r = start(s, t);
    Await.until("caught up", Await.CONVERGE, () -> r.caughtUp() && Trees.exists(at(engine.dst, "d2/new")), () -> r.status());
    assertThat(delivered.fullSync()).isFalse();
    assertThat(Trees.exists(at(engine.dst, "d2/f3"))).as("kept, as a full sync without delete keeps it").isTrue();
    Trees.delete(at(engine.src, "d2/f4")); // while running: deleted
    Await.until("deleted live", Await.CONVERGE, () -> !Trees.exists(at(engine.dst, "d2/f4")), () -> r.status());
  }

  @Test
  void aRecordOlderThanThirtyDaysBringsTheFullSyncBack() throws Exception {
    sourceTree();
    run(settings().build(), "local");
    clock.shiftMillis = StartupPlan.MAX_AGE_MILLIS + 60_000;
    run(settings().build(), "local");
    assertThat(delivered.fullSync()).isTrue();
    clock.shiftMillis = -3_600_000; // the clock set back: the stop lies in the future
    run(settings().build(), "local");
    assertThat(delivered.fullSync()).isTrue();
  }

  @Test
  void aBigSubtreeDeletedWhileStoppedIsHeldByTheGuard() throws Exception {
    sourceTree();
    var s = engine.settings().maxDelete(dev.livesync.settings.Key.MAX_DELETE.maxDelete("100")).build();
    run(s, "local");
    Trees.delete(at(engine.src, "big")); // 304 entries
    Trees.write(at(engine.src, "d0/f1"), "changed");
    var t = target("local");
    Replicator r = start(s, t);
    Await.until("held", Await.CONVERGE, () -> r.status().targets().getFirst().deletionsHeld() > 0 && r.caughtUp(), () -> r.status());
    assertThat(delivered.fullSync()).isFalse();
    assertThat(Trees.exists(at(engine.dst, "big/sub0/g0"))).as("held, not deleted").isTrue();
    assertThat(Trees.read(at(engine.dst, "d0/f1"))).containsExactly(Bytes.of("changed"));
    engine.stop(Duration.ofSeconds(10));
    assertThat(recorded()).as("deletions held: not a clean stop").isFalse();
  }
}
