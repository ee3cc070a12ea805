package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
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
        transport, clock, new TargetRunner.Settings(nWorkers, retry, retry, maxQueued),
        new TargetRunner.ItemExecutorConfig(DeletePolicy.ALWAYS, p -> 0, null),
        workers::add, loop::add, null, (t, i, r, n) -> delivered.add(i),
        (t, o, m) -> { if (o == Outcome.FATAL) fatal.add(t + ": " + m); });
  }

  static WorkItem send(String... paths) {
    return new WorkItem.Send(List.of(paths).stream().map(Bytes::of).toList(), false, 0, 0);
  }

  /** Runs started transfers (worker side) and then their completions (loop side). */
  void runWorkers() {
    while (!workers.isEmpty()) workers.poll().run();
    while (!loop.isEmpty()) loop.poll().run();
  }

  static TransferResult result(Outcome o, int code, String... failed) {
    return new TransferResult(o, code, List.of(failed).stream().map(Bytes::of).toList(), 0, 0, 0, "boom");
  }

  /** Found by the long mixed-load run: 25,563 journaled items replayed one by one after a restart. */
  @Test
  void whatTheJournalLeftIsDoneByTheInitialFullSyncWhenItDeletes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    var journal = Journal.open(dir.resolve("t.journal"));
    for (int i = 0; i < 3; i++) journal.append(send("left/" + i));
    journal.append(new WorkItem.Rename(Bytes.of("old"), Bytes.of("new"), false, 0));
    journal.close();
    var j = Journal.open(dir.resolve("t.journal"));
    var r = new TargetRunner(transport, clock, new TargetRunner.Settings(4, retry, retry, 1_000_000),
        new TargetRunner.ItemExecutorConfig(DeletePolicy.ALWAYS, p -> 0, null),
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
   * Under delete = running an overflow rescan (or a schedule) replaces the events by a full sync with
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
    var r = new TargetRunner(transport, clock, new TargetRunner.Settings(4, retry, retry, 1_000_000),
        new TargetRunner.ItemExecutorConfig(DeletePolicy.RUNNING, p -> 0, null),
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
    var r = runner(4, 1_000_000);
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
    r.submit(send("x"));
    r.dispatch();
    assertThat(workers).hasSize(1);
    runWorkers();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("full delete=true", "send x");
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

  /** Found by reliability scenario 2: replaying a long backlog item by item after an outage took minutes. */
  @Test
  void aTargetBackWithALongBacklogGetsOneFullSyncInsteadOfTheReplay() {
    var r = runner(1, 1_000_000); // one worker: one attempt at a time
    transport.script.add(result(Outcome.RETRY, 10));
    int n = TargetRunner.BACKLOG_FULL_SYNC_ITEMS + 10;
    for (int i = 0; i < n; i++) r.submit(send("d" + i + "/f"));
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

  @Test
  void aShortBacklogIsReplayedAfterAnOutage() {
    var r = runner(1, 1_000_000); // one worker: one attempt at a time
    transport.script.add(result(Outcome.RETRY, 10));
    for (int i = 0; i < 10; i++) r.submit(send("d" + i + "/f"));
    r.dispatch();
    runWorkers();
    for (int i = 0; i < 20 && !r.idle(); i++) {
      clock.advanceMillis(60_000);
      r.dispatch();
      runWorkers();
    }
    assertThat(r.idle()).isTrue();
    assertThat(transport.calls).doesNotContain("full delete=true").hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  void unreachableTargetBacksOffExponentiallyAndProbesWithOneItem() {
    var r = runner(4, 1_000_000);
    for (int i = 0; i < 3; i++) transport.script.add(result(Outcome.RETRY, 10));
    r.submit(send("a"));
    r.submit(send("b"));
    r.dispatch();
    runWorkers(); // both fail
    long prev = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
      long wait = r.nextWakeNanos() - clock.nanos();
      assertThat(wait).isGreaterThan(prev / 2).isPositive();
      r.dispatch();
      assertThat(workers).isEmpty(); // near idle while down: nothing starts before the wake time
      clock.advanceMillis(wait / 1_000_000 + 1);
      r.dispatch();
      assertThat(workers).hasSize(1); // a single probe
      runWorkers();
      prev = wait;
    }
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
        transport, clock, new TargetRunner.Settings(2, retry, retry, 1_000_000),
        new TargetRunner.ItemExecutorConfig(DeletePolicy.NEVER, p -> 0, null),
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
}
