package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TargetRunnerTest {
  final FakeClock clock = new FakeClock();
  final FakeTransport transport = new FakeTransport();
  final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  final ArrayDeque<Runnable> workers = new ArrayDeque<>();
  final List<String> fatal = new ArrayList<>();
  final List<WorkItem> delivered = new ArrayList<>();
  final Backoff retry = new Backoff(1_000_000_000L, 60_000_000_000L, new SplittableRandom(1));

  TargetRunner runner(int nWorkers, long maxQueued) {
    return new TargetRunner(
        transport, clock, new RunnerSettings(nWorkers, retry, retry, maxQueued),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null),
        workers::add, loop::add, null, (t, i, r, n) -> delivered.add(i),
        (t, o, m) -> { if (o == Outcome.FATAL) fatal.add(t + ": " + m); });
  }

  static WorkItem send(String... paths) {
    return new WorkItem.Send(List.of(paths).stream().map(Bytes::of).toList(), false, 0, 0);
  }

  /** Starts what may start and runs it, twice: an item, then what waited for it. */
  void twoRounds(TargetRunner r) {
    for (int i = 0; i < 2; i++) {
      r.dispatch();
      runWorkers();
    }
  }

  /** Runs started transfers (worker side) and then their completions (loop side). */
  void runWorkers() {
    while (!workers.isEmpty()) workers.poll().run();
    while (!loop.isEmpty()) loop.poll().run();
  }

  static TransferResult result(Outcome o, int code, String... failed) {
    return new TransferResult(o, code, List.of(failed).stream().map(Bytes::of).toList(), 0, 0, 0, "boom");
  }

  /**
   * A service has no terminal and often no --http: a first full sync of 351,020 entries ran 95 s with
   * `livesync status` saying only "syncing; queue 1 items (0 paths)", no progress at all.
   */
  @Test
  void aRunningFullSyncTellsItsProgressInTheStatusWithoutAnyListenerAsking() {
    var r = runner(4, 1_000_000);
    transport.progressLine = "3,318,905 4% 0.16MB/s 0:00:20 (xfr#15000, to-chk=333470/351020) parts 1/21";
    r.submitStartup(new WorkItem.FullSync(true, "start", 0));
    r.dispatch();
    workers.poll().run(); // the full sync ran on its worker; the loop has not taken its result yet
    EngineStatus.Target running = r.snapshot(-1);
    assertThat(running.state()).isEqualTo("syncing");
    assertThat(running.fullSyncProgress()).isEqualTo(transport.progressLine);
    while (!loop.isEmpty()) loop.poll().run();
    EngineStatus.Target done = r.snapshot(-1);
    assertThat(done.state()).isEqualTo("ok");
    assertThat(done.fullSyncProgress()).as("a finished full sync's progress is not shown as current").isEmpty();
  }

  /**
   * A SIGTERM whose stop_timeout ran out during a first full sync logged two WARNs, "initial sync
   * failed (interrupted (shutting down)); will retry in the background" and "... failed (rsync exit
   * -1) ...; next attempt in 571 ms", while the process was exiting: no retry came, nothing failed.
   */
  @Test
  void aFullSyncCutOffByTheStopIsNotReportedAsAFailureToRetry() {
    var results = new StartupResults(1);
    var r = new TargetRunner(transport, clock, new RunnerSettings(4, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null), workers::add, loop::add, null, (t, i, res, n) -> delivered.add(i), results);
    transport.interruptFullSync = true;
    try (var logs = new dev.livesync.testing.LogCapture()) {
      r.submitStartup(new WorkItem.FullSync(true, "start", 0));
      r.dispatch();
      workers.poll().run();
      Thread.interrupted(); // the worker set it again, as it should; this thread goes on
      while (!loop.isEmpty()) loop.poll().run();
      assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN")).isEmpty();
      assertThat(logs.text()).contains("INFO fake: full sync (start) cut off by the stop; it stays journaled for the next start")
          .contains("INFO fake: initial sync cut off by the stop; the next start runs it again")
          .doesNotContain("next attempt in").doesNotContain("retry in the background");
    }
  }

  /**
   * Files changed at the source while the first full sync ran (rsync exit 24, vanished) logged "initial
   * sync failed (file has vanished: ...)" and "... N paths not transferred" at WARN at every busy start;
   * for a batch the same is INFO for its first two attempts. Nothing failed: those paths go again.
   */
  @Test
  void aFirstFullSyncThatSawTheSourceMoveIsNoFailure() {
    var results = new StartupResults(1);
    var r = new TargetRunner(transport, clock, new RunnerSettings(4, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null), workers::add, loop::add, null, (t, i, res, n) -> delivered.add(i), results);
    transport.script.add(new TransferResult(Outcome.PARTIAL, 24, List.of(Bytes.of("big/f100000")), 10, 100, 1,
        "file has vanished: \"/src/big/f100000\"", 0, 0, true));
    try (var logs = new dev.livesync.testing.LogCapture()) {
      r.submitStartup(new WorkItem.FullSync(true, "start", 0));
      r.dispatch();
      runWorkers();
      assertThat(logs.lines()).filteredOn(l -> l.startsWith("WARN")).isEmpty();
      assertThat(logs.text()).contains("INFO fake: full sync (start): 1 path not transferred (rsync exit 24: file has vanished")
          .doesNotContain("initial sync failed");
    }
  }

  /** Found by the long mixed-load run: 25,563 journaled items replayed one by one after a restart. */
  @Test
  void whatTheJournalLeftIsDoneByTheInitialFullSyncWhenItDeletes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var journal = Journal.open(dir.resolve("t.journal"));
    for (int i = 0; i < 3; i++) journal.append(send("left/" + i));
    journal.append(new WorkItem.Rename(Bytes.of("old"), Bytes.of("new"), false, 0));
    journal.close();
    var j = Journal.open(dir.resolve("t.journal"));
    var r = new TargetRunner(transport, clock, new RunnerSettings(4, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null),
        workers::add, loop::add, j, (t, i, res, n) -> delivered.add(i), (t, o, m) -> {});
    r.submitStartup(new WorkItem.FullSync(true, "start", 0));
    for (Journal.Entry e : j.recovered()) r.submitRecovered(e);
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("full delete=true");
    assertThat(r.idle()).isTrue();
    assertThat(j.liveCount()).as("all done with the full sync").isZero();
    j.close();
  }

  /**
   * Under delete = running an overflow rescan replaces the events by a full sync with
   * delete; a kill -9 before it ran must not forget it, since the next start's own full sync does not
   * delete. Found by the long stale-deletion run (an inotify overflow during the outage).
   */
  @Test
  void aFullSyncWithDeleteLeftInTheJournalIsReplayedWhereTheStartDoesNotDelete(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var journal = Journal.open(dir.resolve("t.journal"));
    journal.append(new WorkItem.FullSync(true, "overflow", 0));
    journal.append(new WorkItem.FullSync(false, "schedule", 0)); // not recorded: every start does one
    journal.close();
    var j = Journal.open(dir.resolve("t.journal"));
    assertThat(j.recovered()).hasSize(1);
    var r = new TargetRunner(transport, clock, new RunnerSettings(4, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.RUNNING, p -> 0, null),
        workers::add, loop::add, j, (t, i, res, n) -> delivered.add(i), (t, o, m) -> {});
    r.submitStartup(new WorkItem.FullSync(false, "start", 0));
    for (Journal.Entry e : j.recovered()) r.submitRecovered(e);
    for (int i = 0; i < 3; i++) {
      r.dispatch();
      runWorkers();
    }
    assertThat(transport.calls).containsExactly("full delete=false", "full delete=true");
    assertThat(j.liveCount()).isZero();
    j.close();
  }

  @Test
  void independentBatchesRunInParallelButOverlappingOnesWait() {
    var r = runner(8, 1_000_000); // every batch may start at once: none fold
    r.submit(send("a/x", "b"));
    r.submit(send("c"));
    r.submit(send("a")); // a dir above a/x: must wait
    r.submit(send("b/y")); // below b: must wait
    r.submit(send("d"));
    r.dispatch();
    assertThat(workers).hasSize(3); // a/x+b, c, d
    assertThat(r.running()).isEqualTo(3);
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a/x,b", "send c", "send d", "send a", "send b/y");
    assertThat(r.idle()).isTrue();
  }

  @Test
  void fullSyncIsABarrier() {
    var r = runner(4, 1_000_000);
    r.submitStartup(new WorkItem.FullSync(true, "start", 0));
    r.dispatch(); // running
    r.submit(send("x"));
    r.dispatch();
    assertThat(workers).hasSize(1);
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("full delete=true", "send x");
  }

  /** A target down at start: what changes while its initial full sync waits is covered by that full sync. */
  @Test
  void aQueuedInitialFullSyncCoversChangesMadeBeforeItStarts() {
    var r = runner(4, 1_000_000);
    transport.script.add(result(Outcome.RETRY, 10));
    r.submitStartup(new WorkItem.FullSync(true, "start", 0));
    r.dispatch();
    runWorkers(); // down
    for (int i = 0; i < 100; i++) r.submit(send("x" + i));
    for (int i = 0; i < 20 && !r.idle(); i++) {
      clock.advanceMillis(60_000);
      r.dispatch();
      runWorkers();
    }
    assertThat(transport.calls).containsExactly("full delete=true", "full delete=true");
  }

  /**
   * A file the user rsync runs as cannot read fails (exit 23) at every retry, forever: each attempt
   * logged a WARN, one a minute at retry.max, all saying the same. Now the 1st-4th, 8th, 16th ...
   * failures are WARN, the others INFO, and every attempt is still logged and retried.
   */
  @Test
  void anUnreadableFileFailingAtEveryRetryIsWarnedOfLessAndLessOften() {
    var r = runner(2, 1_000_000);
    for (int i = 0; i < 20; i++) transport.script.add(result(Outcome.PARTIAL, 23, "locked"));
    try (var logs = new dev.livesync.testing.LogCapture()) {
      r.submit(send("locked"));
      for (int i = 0; i < 20; i++) {
        r.dispatch();
        runWorkers();
        clock.advanceMillis(60_000);
      }
      List<String> told = logs.lines().stream().filter(l -> l.contains("paths not transferred")).toList();
      assertThat(told).as("every attempt logged").hasSize(20);
      List<Integer> warned = new ArrayList<>();
      for (int i = 0; i < told.size(); i++) if (told.get(i).startsWith("WARN")) warned.add(i + 1);
      assertThat(warned).as("the attempts told at WARN").containsExactly(1, 2, 3, 4, 8, 16);
    }
    assertThat(transport.calls).hasSize(20);
    assertThat(TargetRunner.warnsAgain(128)).isTrue();
    assertThat(TargetRunner.warnsAgain(127)).isFalse();
    assertThat(TargetRunner.warnsAgain(192)).as("every 64th after 64").isTrue();
  }

  @Test
  void partialRequeuesExactlyTheFailedPathsAfterABackoff() {
    var r = runner(2, 1_000_000);
    transport.script.add(result(Outcome.PARTIAL, 23, "b"));
    r.submit(send("a", "b", "c"));
    r.dispatch();
    runWorkers();
    r.dispatch();
    assertThat(workers).isEmpty(); // not before the backoff
    assertThat(r.nextWakeNanos()).isGreaterThan(clock.nanos());
    clock.advanceMillis(1_000);
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a,b,c", "send b");
    assertThat(r.idle()).isTrue();
  }

  /** A batch whose files vanished under it (rsync's 24, in its dry run too) waits alone; the target's other work goes on. */
  @Test
  void aPartialBatchWaitsAloneWhileTheTargetsOtherWorkGoesOn() {
    var r = runner(2, 1_000_000);
    transport.script.add(result(Outcome.PARTIAL, 24, "a"));
    r.submit(send("a"));
    r.dispatch();
    runWorkers();
    r.submit(send("d"));
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a", "send d"); // at once: no backoff of the whole target
    assertThat(r.snapshot(-1).state()).isEqualTo("ok");
    clock.advanceMillis(1_000);
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a", "send d", "send a");
    assertThat(r.idle()).isTrue();
  }

  /**
   * A batch the source moved under (GNU tar's placeholder a symlink now, a file gone) goes again at
   * once the first time: what its paths are now is what the retry sends, and a retry that waits holds
   * back every later item touching its paths or a directory above them. One the source moves under
   * again and again (a storm of renames) is then retried after the first retry delay each time, never
   * in a loop and not after a backoff grown to a minute: the source moving is no fault of the
   * target's. A 23 (something unreadable) backs off as before.
   */
  @Test
  void aSourceThatMovedIsRetriedAtOnceThenAfterTheFirstDelayEveryTime() {
    var r = runner(1, 1_000_000);
    var moved = new TransferResult(Outcome.PARTIAL, 24, List.of(Bytes.of("a")), 0, 0, 0, "vanished", 0, 0, true);
    for (int i = 0; i < 7; i++) transport.script.add(moved);
    r.submit(send("a"));
    r.dispatch();
    runWorkers();
    assertThat(r.nextWakeNanos()).as("after the first attempt").isLessThanOrEqualTo(clock.nanos());
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).as("the first retry, with no time passed").hasSize(2);
    for (int i = 0; i < 6; i++) {
      assertThat(r.nextWakeNanos() - clock.nanos()).as("wait after attempt %d", i + 2)
          .isGreaterThan(0).isLessThanOrEqualTo(1_000_000_000L);
      r.dispatch();
      runWorkers();
      assertThat(transport.calls).as("nothing before the delay, attempt %d", i + 2).hasSize(i + 2);
      clock.advanceMillis(1_000);
      r.dispatch();
      runWorkers();
    }
    assertThat(transport.calls).hasSize(8);
    assertThat(r.idle()).isTrue();

    for (int i = 0; i < 4; i++) transport.script.add(result(Outcome.PARTIAL, 23, "b"));
    r.submit(send("b"));
    r.dispatch();
    runWorkers();
    assertThat(r.nextWakeNanos() - clock.nanos()).as("after a 23").isGreaterThan(0);
    for (int i = 0; i < 3; i++) {
      clock.advanceMillis(60_000);
      r.dispatch();
      runWorkers();
    }
    assertThat(r.nextWakeNanos() - clock.nanos()).as("after four 23s").isGreaterThan(1_000_000_000L);
  }

  /**
   * A full sync that arrived but for a few paths is not run again for them: on a large tree where
   * some file always vanishes while rsync reads it (a busy spool), it would never end (lsyncd's
   * "Retrying startup"). Those paths go again as trees of their own. A full sync that deletes and met
   * an error reading the source runs again, for rsync then skipped every deletion: once more, leaving
   * those paths out (a name too long for rsync through its directory), and not again when that fails
   * the same way only because some are not plain names.
   */
  @Test
  void aFullSyncThatArrivedButForSomePathsSendsThemAgainNotTheWholeTree() {
    var r = runner(1, 1_000_000);
    var vanished = new TransferResult(Outcome.PARTIAL, 24, List.of(Bytes.of("spool/tmp1"), Bytes.of("spool/tmp2")), 0, 0, 0, "vanished", 0, 0, true);
    assertThat(fullSyncAfter(r, vanished, true)).containsExactly("full delete=true", "tree spool/tmp1,spool/tmp2");
    assertThat(fullSyncAfter(r, result(Outcome.PARTIAL, 23, "unreadable"), false)).as("a full sync that deletes nothing")
        .containsExactly("full delete=false", "tree unreadable");
    assertThat(fullSyncAfter(r, result(Outcome.PARTIAL, 23, "."), false)).as("a message that named no path")
        .containsExactly("full delete=false", "full delete=false");
    String deep = "d/" + "n".repeat(4094);
    assertThat(fullSyncAfter(r, result(Outcome.PARTIAL, 23, "unreadable", deep), true)).as("its deletions were skipped")
        .containsExactly("full delete=true", "full delete=true leaving unreadable,d", "tree unreadable," + deep);
    assertThat(fullSyncAfter(r, result(Outcome.PARTIAL, 23, "a[1]"), true)).as("an exclude cannot name it exactly")
        .containsExactly("full delete=true", "full delete=true");
  }

  /** The transport's calls for a full sync whose first run ends with {@code first}, then for what it leaves, minutes apart. */
  private List<String> fullSyncAfter(TargetRunner r, TransferResult first, boolean delete) {
    int before = transport.calls.size();
    transport.script.add(first);
    r.submit(new WorkItem.FullSync(delete, "schedule", 0));
    for (int i = 0; i < 4; i++) {
      clock.advanceMillis(60_000);
      twoRounds(r);
    }
    assertThat(r.idle()).isTrue();
    return List.copyOf(transport.calls.subList(before, transport.calls.size()));
  }

  static TransferResult putOff(String path) {
    return new TransferResult(Outcome.PARTIAL, 0, List.of(Bytes.of(path)), 0, 0, 0,
        "its deletions wait while another send's are judged", 0, 0, true);
  }

  /**
   * Deletions put off while another send's are judged (no rsync run saw the source move: exit 0) go
   * again when a send that was running then ends, not a retry delay later: waiting the delay, a
   * {@code git reset --hard} was equal at the target 1.0–1.6 s after it ended instead of about 0.5.
   */
  @Test
  void deletionsPutOffWhileAnotherSendIsJudgedGoWhenThatSendEnds() {
    var r = runner(2, 1_000_000);
    r.submit(send("x")); // the send being judged
    r.submit(send("gone"));
    r.dispatch();
    transport.script.add(putOff("gone"));
    workers.pollLast().run(); // "gone" ends first, put off
    while (!loop.isEmpty()) loop.poll().run();
    r.dispatch();
    assertThat(transport.calls).as("nothing more while x runs").containsExactly("send gone");
    assertThat(r.nextWakeNanos() - clock.nanos()).as("the retry delay as a fallback").isGreaterThan(0);
    runWorkers(); // x ends
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).as("with no time passed").containsExactly("send gone", "send x", "send gone");
    assertThat(r.idle()).isTrue();
  }

  /** Put off when no other send runs any more (the judgement is over): again at once. */
  @Test
  void deletionsPutOffWhenNoOtherSendRunsGoAgainAtOnce() {
    var r = runner(1, 1_000_000);
    transport.script.add(putOff("gone"));
    r.submit(send("gone"));
    r.dispatch();
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send gone", "send gone");
    assertThat(r.idle()).isTrue();
  }

  /**
   * A send cut before a directory was renamed at the source would delete its old name at the target
   * ahead of the rename queued behind it, which then had nothing to move (and the new name was copied
   * whole: 24,000 files in the full-size mixed load). The send leaves that name to the rename; the
   * batch after the rename reconciles both names.
   */
  @Test
  void aSendLeavesAnOldNameToTheRenameQueuedBehindIt() {
    transport.copiesFromSource = true; // elsewhere the rename goes ahead of the send (RenamesFirst)
    var r = runner(1, 1_000_000);
    r.submit(send("p", "x"));
    r.submit(new WorkItem.Rename(Bytes.of("p"), Bytes.of("q"), true, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("p"), Bytes.of("q")), true, 0, 0));
    for (int i = 0; i < 4; i++) {
      r.dispatch();
      runWorkers();
    }
    assertThat(transport.calls).containsExactly("send x", "rename p q", "tree p"); // q made by the copy
    assertThat(r.idle()).isTrue();
  }

  /** A rename that found no old name at the target says so: the log said "rename p -> q, 0 ms" as if it had moved it. */
  @Test
  void aRenameThatMovedNothingSaysSo() {
    var r = runner(1, 1_000_000);
    try (var logs = new dev.livesync.testing.LogCapture()) {
      r.submit(new WorkItem.Rename(Bytes.of("p"), Bytes.of("q"), true, 0));
      twoRounds(r);
      transport.renames = false;
      r.submit(new WorkItem.Rename(Bytes.of("s"), Bytes.of("t"), true, 0));
      twoRounds(r);
      assertThat(logs.lines()).filteredOn(l -> l.contains("rename")).hasSize(2)
          .anySatisfy(l -> assertThat(l).contains("p -> q").doesNotContain("not moved"))
          .anySatisfy(l -> assertThat(l).contains("s -> t").contains("not moved at the target (its old name was not there, or it is too small to be worth it): the batch after it sends the"
              + " new name"));
    }
  }

  /**
   * Found by the reliability suite: a send naming {@code p} as a tree, queued before {@code p/a} was
   * renamed to {@code p/b}, ran first: it deleted {@code p/a} at the target and copied {@code p/b}
   * whole (25,000 files), and the rename found nothing to move. A directory's rename now goes ahead
   * of the sends queued before it that have not started; never ahead of a rename or a running send.
   */
  @Test
  void aDirectoryRenameGoesAheadOfTheSendsQueuedBeforeIt() {
    var r = runner(1, 1_000_000);
    r.submit(send("x"));
    r.dispatch(); // x runs
    r.submit(new WorkItem.Send(List.of(Bytes.of("p")), true, 0, 0));
    r.submit(new WorkItem.Rename(Bytes.of("q"), Bytes.of("r"), true, 0));
    r.submit(send("y"));
    r.submit(new WorkItem.Rename(Bytes.of("p/a"), Bytes.of("p/b"), true, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("p/a"), Bytes.of("p/b")), true, 0, 0));
    r.submit(new WorkItem.Rename(Bytes.of("f"), Bytes.of("g"), false, 0)); // a file's: in its place
    for (int i = 0; i < 8; i++) {
      runWorkers();
      r.dispatch();
    }
    // both directory renames ahead of the sends (x had started), together in one call, in their order
    assertThat(transport.calls).containsExactly("send x", "renameAll 2", "rename q r", "rename p/a p/b", "tree p", "send y", "tree p/a,p/b", "rename f g");
  }

  /** On a target whose renames copy from the source (a daemon's) the rename keeps its place: it waits for the batch of its new name. */
  @Test
  void aRenameThatCopiesFromTheSourceKeepsItsPlace() {
    transport.copiesFromSource = true;
    var r = runner(1, 1_000_000);
    r.submit(send("x"));
    r.dispatch();
    r.submit(new WorkItem.Send(List.of(Bytes.of("p")), true, 0, 0));
    r.submit(new WorkItem.Rename(Bytes.of("p/a"), Bytes.of("p/b"), true, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("p/a"), Bytes.of("p/b")), true, 0, 0));
    for (int i = 0; i < 8; i++) {
      runWorkers();
      r.dispatch();
      clock.advanceMillis(1000);
    }
    // the copy made p/b: the batch after it goes without it, and p's times go again (TargetQueue#coveredByCopies)
    assertThat(transport.calls).containsExactly("send x", "tree p", "rename p/a p/b", "tree p/a", "send p");
  }

  /** Only the exact old name: a directory above it still goes (the rename's batch does not name it). */
  @Test
  void aSendStillDeletesADirectoryAboveARenamedName() {
    transport.copiesFromSource = true; // elsewhere the rename goes ahead of the send (RenamesFirst)
    var r = runner(1, 1_000_000);
    r.submit(send("p"));
    r.submit(new WorkItem.Rename(Bytes.of("p/a"), Bytes.of("q"), true, 0));
    for (int i = 0; i < 3; i++) {
      r.dispatch();
      runWorkers();
      clock.advanceMillis(1000); // the copy's wait for the batch of its new name
    }
    assertThat(transport.calls).containsExactly("send p", "rename p/a q");
  }

  /** Found by reliability scenario 2: replaying a long backlog item by item after an outage took minutes. */
  @Test
  void aTargetBackWithALongBacklogGetsOneFullSyncInsteadOfTheReplay() {
    var r = runner(1, 1_000_000); // one worker: one attempt at a time
    transport.script.add(result(Outcome.RETRY, 10));
    int n = TargetRunner.BACKLOG_FULL_SYNC_ITEMS + 10;
    // trees: plain sends that wait fold into a few (WaitingSends), trees do not
    for (int i = 0; i < n; i++) r.submit(new WorkItem.Send(List.of(Bytes.of("d" + i)), true, 0, 0));
    r.dispatch();
    runWorkers(); // the first attempt finds the target down
    for (int i = 0; i < 20 && !r.idle(); i++) {
      clock.advanceMillis(60_000);
      r.dispatch();
      runWorkers();
    }
    assertThat(r.idle()).isTrue();
    // the failed attempt, the probe that found the target back, then one full sync for the rest
    assertThat(transport.calls).hasSize(3).endsWith("full delete=true");
  }

  /** Found by reliability scenario 2 at 1,000 ops/s: ~60 queued batches took 30 s to replay one rsync at a time. */
  @Test
  void aShortBacklogIsMergedIntoOneSendAfterAnOutage() {
    var r = runner(1, 1_000_000); // one worker: one attempt at a time
    transport.script.add(result(Outcome.RETRY, 10));
    r.submit(send("d0/f"));
    r.dispatch();
    runWorkers();
    for (int i = 1; i < 10; i++) r.submit(send("d" + i + "/f")); // changed while the target is down
    for (int i = 0; i < 20 && !r.idle(); i++) {
      clock.advanceMillis(60_000);
      r.dispatch();
      runWorkers();
    }
    assertThat(r.idle()).isTrue();
    // the failed attempt, the probe item that found the target back, then the other nine in one rsync
    assertThat(transport.calls).containsExactly("send d0/f", "send d0/f", "send d1/f,d2/f,d3/f,d4/f,d5/f,d6/f,d7/f,d8/f,d9/f");
  }

  @Test
  void mergingKeepsRenamesAheadAFullSyncAsABarrierAndDropsPathsInsideMergedTrees() {
    var r = runner(1, 1_000_000);
    transport.script.add(result(Outcome.RETRY, 10));
    r.submit(send("p"));
    r.submit(new WorkItem.Send(List.of(Bytes.of("a")), true, 0, 0));
    r.submit(send("a/y/z", "c"));
    r.submit(new WorkItem.Rename(Bytes.of("o"), Bytes.of("n"), false, 0));
    r.submit(send("a", "c", "o", "n"));
    r.submit(new WorkItem.FullSync(false, "schedule", 0));
    r.submit(send("d"));
    r.submit(send("e"));
    r.dispatch();
    runWorkers();
    for (int i = 0; i < 30 && !r.idle(); i++) {
      clock.advanceMillis(60_000);
      r.dispatch();
      runWorkers();
    }
    assertThat(r.idle()).isTrue();
    assertThat(transport.calls).containsExactly(
        "send p", "send p", // down, then back
        "rename o n", // the rename keeps its place, ahead of the merged sends
        "send c,o,n", // plain paths; a/y/z and a are inside the merged tree a
        "tree a",
        "full delete=false", // a barrier: what follows it is not merged across it
        "send d,e"); // they waited behind it, and go in one run
  }

  @Test
  void unreachableTargetBacksOffExponentiallyAndProbesWithOneItem() {
    var r = runner(4, 1_000_000);
    for (int i = 0; i < 3; i++) transport.script.add(result(Outcome.RETRY, 10));
    r.submit(send("a"));
    r.submit(send("b"));
    r.dispatch();
    runWorkers(); // both fail
    // between attempts the runner may also look whether the target answers (Transport.probe: the
    // fake says UNKNOWN, which ends the probing); either way one thing at a time, never before its time
    List<Long> attemptsAt = new ArrayList<>(List.of(clock.nanos()));
    while (transport.calls.size() < 4) {
      long wait = r.nextWakeNanos() - clock.nanos();
      assertThat(wait).isPositive();
      r.dispatch();
      assertThat(workers).isEmpty(); // near idle while down: nothing starts before the wake time
      clock.advanceMillis(wait / 1_000_000 + 1);
      int calls = transport.calls.size();
      r.dispatch();
      assertThat(workers).hasSize(1); // a single probe item, or a reachability probe
      runWorkers();
      if (transport.calls.size() > calls) attemptsAt.add(clock.nanos());
    }
    assertThat(transport.probes.get()).isLessThanOrEqualTo(1);
    assertThat(attemptsAt.get(2) - attemptsAt.get(1)).as("the backoff grows").isGreaterThan((attemptsAt.get(1) - attemptsAt.get(0)) / 2);
    // the second probe succeeded (the script ran out): the rest goes at once
    r.dispatch();
    runWorkers();
    assertThat(r.idle()).isTrue();
    assertThat(r.snapshot(-1).state()).isEqualTo("ok");
    assertThat(r.snapshot(-1).failures()).isEqualTo(3);
  }

  @Test
  void fatalAtStartupIsReportedAndLaterFatalKeepsWork() {
    var r = runner(2, 1_000_000);
    transport.script.add(result(Outcome.FATAL, 5));
    r.submitStartup(new WorkItem.FullSync(true, "start", 0));
    r.dispatch();
    runWorkers();
    assertThat(fatal).singleElement().asString().contains("fake").contains("boom");
    assertThat(r.snapshot(-1).state()).isEqualTo("failed");
    assertThat(r.idle()).isFalse();
  }

  @Test
  void aRenameOnlyRenamesInPlaceAndOrdersTheBatchThatReconcilesBothNames() {
    var r = runner(2, 1_000_000);
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("b"), true, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("b")), false, 0, 0)); // what the coalescer queues after it
    r.submit(send("c"));
    r.dispatch();
    assertThat(workers).hasSize(2); // the rename and c; the reconcile waits for the rename
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("rename a b", "send c", "send a,b");
  }

  /**
   * A daemon's rename is a copy of the new name from the source, which it reads after everything
   * queued before the copy began: those items leave the new name out (one left with nothing is done
   * without a transfer); an item queued while the copy ran keeps it.
   */
  @Test
  void aRenameCopiedFromTheSourceCoversTheNewNameInWhatWasQueuedBeforeIt() {
    transport.copiesFromSource = true;
    var r = runner(2, 1_000_000);
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("b"), true, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("b"), Bytes.of("b/x"), Bytes.of("c")), true, 0, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("b/z")), false, 0, 0));
    r.dispatch(); // the rename; both sends wait for it
    r.submit(new WorkItem.Send(List.of(Bytes.of("b/y")), false, 0, 0)); // changed while the copy ran
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("rename a b", "tree a,c", "send b/y");
    assertThat(r.idle()).isTrue();
  }

  /**
   * A copy waits for the batch that reconciles its new name (queued a moment after the rename by the
   * coalescer), so that it covers it; without one it starts after {@link TargetQueue#COPY_WAIT_NANOS}.
   */
  @Test
  void aRenameCopyWaitsForTheBatchReconcilingItsNewNameThenCoversIt() {
    transport.copiesFromSource = true;
    var r = runner(2, 1_000_000);
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("b"), true, 0));
    r.dispatch();
    assertThat(workers).as("the copy waits for its batch").isEmpty();
    r.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("b")), true, 0, 0));
    twoRounds(r);
    assertThat(transport.calls).containsExactly("rename a b", "tree a");

    r.submit(new WorkItem.Rename(Bytes.of("c"), Bytes.of("d"), true, 0));
    r.dispatch();
    assertThat(workers).isEmpty();
    clock.advanceMillis(TargetQueue.COPY_WAIT_NANOS / 1_000_000);
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("rename a b", "tree a", "rename c d");
  }

  /**
   * The copy made the new name inside its parent at the target, whose mtime the batch it covers would
   * have set ({@code -R} carries parents): that parent goes again as itself. Found by
   * scripts/bench-dir-rename: the daemon's {@code archive/} kept the copy's mtime.
   */
  @Test
  void theParentOfANewNameCopiedFromTheSourceGoesAgainAsItself() {
    transport.copiesFromSource = true;
    var r = runner(2, 1_000_000);
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("x/b"), true, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("x/b")), true, 0, 0));
    twoRounds(r);
    assertThat(transport.calls).containsExactly("rename a x/b", "tree a", "send x");
    assertThat(r.idle()).isTrue();
  }

  @Test
  void aRenameCopyThatFailedLeavesTheReconcileWhole() {
    transport.copiesFromSource = true;
    var r = runner(2, 1_000_000);
    transport.renames = false;
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("b"), true, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("b")), true, 0, 0));
    twoRounds(r);
    assertThat(transport.calls).containsExactly("rename a b", "tree a,b");
  }

  @Test
  void aFailedRenameCostsNothingMoreThanTheReconcile() {
    var r = runner(2, 1_000_000);
    transport.renames = false;
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("b"), true, 0));
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("rename a b");
    assertThat(r.idle()).isTrue();
  }

  @Test
  void aTargetThatCannotRenameNeverSeesRenameItems() {
    var r = runner(2, 1_000_000);
    transport.canRename = false;
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("b"), false, 0));
    assertThat(r.idle()).isTrue();
    r.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("b")), false, 0, 0));
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a,b");
  }

  @Test
  void underAPolicyThatKeepsDeletedFilesTheOldNameIsNotRenamedAway() {
    var r = new TargetRunner(
        transport, clock, new RunnerSettings(2, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.NEVER, p -> 0, null),
        workers::add, loop::add, null, (t, i, res, n) -> delivered.add(i), (t, o, m) -> {});
    r.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("b"), false, 0));
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).isEmpty();
    assertThat(r.idle()).isTrue();
  }

  @Test
  void aQueueTooLongCollapsesIntoOneFullSync() {
    var r = runner(1, 5);
    transport.script.add(result(Outcome.RETRY, 10));
    r.submit(send("a"));
    r.dispatch();
    runWorkers();
    for (int i = 0; i < 10; i++) r.submit(send("f" + i));
    assertThat(r.snapshot(-1).queuedItems()).isEqualTo(1);
    clock.advanceMillis(120_000);
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a", "full delete=true");
  }

  /**
   * A send the target keeps refusing (a file larger than the space left on it) does not hold back
   * the items queued after it that claim none of its paths: an attempt while backing off runs the
   * least-tried of them, here the deletions at the source that free the room. Found by hand: a full
   * target never recovered after files were deleted at the source, until livesync was restarted.
   */
  @Test
  void aSendTheTargetKeepsRefusingDoesNotHoldBackTheItemsAfterIt() {
    var r = runner(4, 1_000_000);
    for (int i = 0; i < 3; i++) transport.script.add(result(Outcome.RETRY, 11));
    r.submit(send("big"));
    r.dispatch();
    runWorkers(); // refused: no space left
    r.submit(send("old1", "old2")); // deleted at the source to make room
    for (int i = 0; i < 10 && transport.calls.size() < 4; i++) step(r);
    assertThat(transport.calls).as("refused twice, then the deletions").startsWith("send big", "send big", "send old1,old2");
  }

  /**
   * A send that arrived in part only because the source moved under rsync (a file vanished, exit 24)
   * or whose deletions were put off (exit 0) is no failure of the target: its failures stay 0 and its
   * last error empty (status showed "failures 8" and "last error (rsync exit 0: ...)" on healthy targets).
   */
  @Test
  void aSourceThatMovedUnderRsyncIsNoFailureOfTheTarget() {
    var r = runner(4, 1_000_000);
    transport.script.add(new TransferResult(Outcome.PARTIAL, 24, List.of(Bytes.of("gone")), 0, 0, 0, "file has vanished", 0, 0, true));
    transport.script.add(new TransferResult(Outcome.PARTIAL, 0, List.of(Bytes.of("old")), 0, 0, 0, "its deletions wait", 0, 0, true));
    r.submit(send("gone"));
    r.submit(send("old"));
    for (int i = 0; i < 10 && !r.idle(); i++) step(r);
    var t = r.snapshot(-1);
    assertThat(t.failures()).isZero();
    assertThat(t.lastError()).isEmpty();
  }

  /** Fails the first {@code n} attempts (RETRY), stepping the clock to each wake; returns the runner. */
  TargetRunner failingAttempts(int n, Outcome how) {
    var r = runner(1, 1_000_000);
    for (int i = 0; i < n; i++) transport.script.add(result(how, how == Outcome.FATAL ? 5 : 10));
    r.submit(send("a"));
    r.dispatch();
    runWorkers();
    while (transport.calls.size() < n) step(r);
    return r;
  }

  /** The loop's turn: the clock to the runner's next wake, dispatch, workers, then their results. */
  void step(TargetRunner r) {
    long wake = r.nextWakeNanos();
    if (wake > clock.nanos()) clock.advanceMillis((wake - clock.nanos() + 999_999) / 1_000_000);
    r.dispatch();
    runWorkers();
  }

  /** Reliability scenario 2: a target back from a long outage waited out the rest of a backoff grown to a minute. */
  @Test
  void aTargetThatAnswersAgainAfterAnOutageIsTriedAtOnceNotAtTheEndOfItsBackoff() {
    transport.reachability = Transport.Reachability.DOWN;
    var r = failingAttempts(5, Outcome.RETRY); // the 5th failure backs off >= 8 s
    long failedAt = clock.nanos();
    for (int i = 0; i < 3; i++) step(r); // three probes, all DOWN
    assertThat(transport.calls).hasSize(5);
    assertThat(transport.probes.get()).isGreaterThanOrEqualTo(3);
    transport.reachability = Transport.Reachability.UP;
    step(r); // the probe sees it answer
    step(r); // the attempt, at once
    assertThat(transport.calls).hasSize(6);
    assertThat(r.idle()).isTrue();
    assertThat(clock.nanos() - failedAt).as("well before the >= 8 s backoff ended").isLessThan(5_000_000_000L);
  }

  /** A target that answers but whose transfers fail (e.g. a daemon refusing the module) keeps its backoff: no tight loop. */
  @Test
  void aProbeThatNeverSawTheTargetDownDoesNotShortenTheBackoff() {
    transport.reachability = Transport.Reachability.UP;
    var r = failingAttempts(5, Outcome.RETRY);
    long failedAt = clock.nanos();
    transport.script.add(result(Outcome.RETRY, 10));
    while (transport.calls.size() < 6) step(r);
    assertThat(clock.nanos() - failedAt).as("the 5th backoff, >= 8 s, was waited out").isGreaterThanOrEqualTo(8_000_000_000L);
    assertThat(transport.probes.get()).isGreaterThanOrEqualTo(7);
  }

  /** FATAL (wrong password, missing module) needs an operator: no probing, the slow retry only. */
  @Test
  void aFatalFailureIsNotProbed() {
    transport.reachability = Transport.Reachability.DOWN;
    var r = failingAttempts(2, Outcome.FATAL);
    step(r);
    assertThat(transport.probes.get()).isZero();
    assertThat(r.idle()).isTrue();
  }

  /** Targets that cannot tell (local directories) stop being probed after the first UNKNOWN. */
  @Test
  void anUnknownReachabilityStopsTheProbing() {
    var r = failingAttempts(5, Outcome.RETRY);
    int probes = transport.probes.get();
    step(r);
    assertThat(transport.calls).hasSize(6);
    assertThat(transport.probes.get() - probes).isLessThanOrEqualTo(1);
    assertThat(r.idle()).isTrue();
  }

  /** The merged sends are journaled before the batches they replace are closed: a crash in between loses nothing. */
  @Test
  void mergedSendsAreJournaledSoACrashBeforeTheyRunLosesNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var journal = Journal.open(dir.resolve("t.journal"));
    var r = journaled(journal);
    transport.script.add(result(Outcome.RETRY, 10));
    r.submit(send("d0"));
    r.dispatch();
    runWorkers(); // down
    for (int i = 1; i < 5; i++) r.submit(send("d" + i));
    clock.advanceMillis(60_000);
    r.dispatch();
    while (!workers.isEmpty()) workers.poll().run(); // the probe item: ok
    while (!loop.isEmpty()) loop.poll().run(); // back: the other four folded into one, not yet run
    assertThat(leftAfterACrash(r, journal, dir)).containsExactly("d1", "d2", "d3", "d4");
  }

  /** One worker, its items journaled in {@code journal}. */
  TargetRunner journaled(Journal journal) {
    return new TargetRunner(transport, clock, new RunnerSettings(1, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null),
        workers::add, loop::add, journal, (t, i, res, n) -> delivered.add(i), (t, o, m) -> {});
  }

  /** The paths a restart would find in the journal after a crash now. */
  static List<String> leftAfterACrash(TargetRunner r, Journal journal, java.nio.file.Path dir) {
    r.syncJournal();
    journal.close(); // "crash"
    List<String> left = new ArrayList<>();
    try (var again = Journal.open(dir.resolve("t.journal"))) {
      for (Journal.Entry e : again.recovered()) ((WorkItem.Send) e.item()).paths().forEach(p -> left.add(Bytes.display(p)));
    }
    return left;
  }

  /** A folded send takes over its parts' records: arrived in part, it leaves exactly the failed paths journaled. */
  @Test
  void aFoldedSendThatArrivedInPartLeavesOnlyItsFailedPathsInTheJournal(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var journal = Journal.open(dir.resolve("t.journal"));
    var r = journaled(journal);
    transport.script.add(TransferResult.ok(1, 0, 1));
    transport.script.add(result(Outcome.PARTIAL, 23, "d2"));
    r.submit(send("d0"));
    r.dispatch(); // the one worker
    for (int i = 1; i < 4; i++) r.submit(send("d" + i));
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send d0", "send d1,d2,d3");
    assertThat(leftAfterACrash(r, journal, dir)).as("a crash before the retry").containsExactly("d2");
  }

  static WorkItem rename(String from, String to) {
    return new WorkItem.Rename(Bytes.of(from), Bytes.of(to), false, 0);
  }

  /** Measured over ssh: one round trip per rename capped a target near 330 renames/s. */
  @Test
  void consecutiveRenamesGoToTheTransportInOneCallInTheirOrder() {
    var r = runner(1, 1_000_000);
    r.submit(rename("a", "b"));
    r.submit(rename("b", "c")); // depends on the one before: same call, after it
    r.submit(rename("d/x", "d/y"));
    r.submit(send("a", "b", "c", "d/x", "d/y"));
    r.dispatch();
    assertThat(workers).hasSize(1);
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("renameAll 3", "rename a b", "rename b c", "rename d/x d/y", "send a,b,c,d/x,d/y");
    assertThat(r.idle()).isTrue();
    assertThat(r.running()).isZero();
  }

  @Test
  void aRenameWaitingForAnEarlierItemIsNotPulledIntoAGroup() {
    var r = runner(2, 1_000_000);
    r.submit(send("x"));
    r.submit(rename("x", "y")); // must wait for the send of x
    r.submit(rename("p", "q"));
    r.submit(rename("q", "s"));
    r.dispatch();
    assertThat(workers).hasSize(2); // send x; the renames p->q->s together
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send x", "renameAll 2", "rename p q", "rename q s", "rename x y");
    assertThat(r.idle()).isTrue();
  }

  TargetRunner sharing(Transport t, TransferSlots slots, List<WorkItem> arrived) {
    return new TargetRunner(t, clock, new RunnerSettings(4, retry, retry, 1_000_000, slots, WaitingSendsTest.LIMITS),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null), workers::add, loop::add, null, (n, i, r, x) -> arrived.add(i), (n, o, m) -> {});
  }

  /** Ten targets each running up to four batches at once spent two cores on starting rsync runs. */
  @Test
  void targetsSharingOneSlotTakeTurnsAndTheBatchesThatWaitedGoInOneRun() {
    var slots = new TransferSlots(1);
    var other = new FakeTransport();
    List<WorkItem> arrivedA = new ArrayList<>(), arrivedB = new ArrayList<>();
    var a = sharing(transport, slots, arrivedA);
    var b = sharing(other, slots, arrivedB);
    a.submit(send("a1"));
    b.submit(send("b1"));
    a.dispatch();
    b.dispatch();
    assertThat(workers).as("one slot: only the first target's batch runs").hasSize(1);
    b.submit(send("b2"));
    b.submit(send("b1", "b3"));
    b.dispatch();
    assertThat(workers).as("still no slot").hasSize(1);
    runWorkers();
    assertThat(transport.calls).containsExactly("send a1");
    assertThat(slots.inUse()).isZero();
    b.dispatch(); // woken: a slot was freed
    assertThat(workers).hasSize(1);
    assertThat(slots.inUse()).isEqualTo(1);
    runWorkers();
    assertThat(other.calls).as("three batches that waited, one run, each path once").containsExactly("send b1,b2,b3");
    assertThat(arrivedB).hasSize(1);
    assertThat(b.idle()).isTrue();
    assertThat(b.seat.servedNanos()).isEqualTo(clock.nanos());
  }

  @Test
  void aFullSyncRunsWithoutASlotAndTakesNone() {
    var slots = new TransferSlots(1);
    var other = new FakeTransport();
    var a = sharing(transport, slots, new ArrayList<>());
    var b = sharing(other, slots, new ArrayList<>());
    a.submit(send("a1"));
    a.dispatch();
    b.submitStartup(new WorkItem.FullSync(true, "start", 0));
    b.dispatch();
    assertThat(workers).as("the batch and the full sync").hasSize(2);
    assertThat(slots.inUse()).isEqualTo(1);
    runWorkers();
    assertThat(other.calls).containsExactly("full delete=true");
    assertThat(slots.inUse()).isZero();
  }
}
