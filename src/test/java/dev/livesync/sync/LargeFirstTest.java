package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A large file sent alone is the longest run of a catch-up: in its turn behind an untar's backlog it
 * ran last, after every batch (a 76 MB file, 1.5–3 s), and the target was equal only then. It starts
 * as soon as a worker is free, ahead of the batches queued before it that touch none of its paths.
 */
class LargeFirstTest {
  final FakeClock clock = new FakeClock();
  final FakeTransport transport = new FakeTransport();
  final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  final ArrayDeque<Runnable> workers = new ArrayDeque<>();
  final List<String> fatal = new ArrayList<>();
  final Backoff retry = new Backoff(1_000_000_000L, 60_000_000_000L, new SplittableRandom(1));

  TargetRunner runner(int nWorkers) {
    return new TargetRunner(
        transport, clock, new RunnerSettings(nWorkers, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null),
        workers::add, loop::add, null, (t, i, r, n) -> {},
        (t, o, m) -> { if (o == Outcome.FATAL) fatal.add(t + ": " + m); });
  }

  static WorkItem send(String... paths) {
    return new WorkItem.Send(List.of(paths).stream().map(Bytes::of).toList(), false, 0, 0);
  }

  static WorkItem large(String path) {
    return new WorkItem.Send(List.of(Bytes.of(path)), false, EngineSettings.DEFAULT_LARGE_FILE, 0);
  }

  /** Runs what started (worker side), then their completions (loop side), then starts what may, a few times over. */
  void drain(TargetRunner r) {
    for (int i = 0; i < 6; i++) {
      while (!workers.isEmpty()) workers.poll().run();
      while (!loop.isEmpty()) loop.poll().run();
      r.dispatch();
    }
  }

  @Test
  void aLargeFileStartsAheadOfTheBatchesQueuedBeforeIt() {
    var r = runner(1);
    r.submit(send("x"));
    r.dispatch(); // x runs: the rest waits for the one worker
    r.submit(send("b1"));
    r.submit(send("b2", "b3"));
    r.submit(large("big"));
    r.submit(send("b4"));
    drain(r);
    // in its turn: send x, send b1,b2,b3 (the waiting batches folded), send big, send b4
    assertThat(transport.calls).containsExactly("send x", "send big", "send b1,b2,b3,b4");
    assertThat(r.idle()).isTrue();
  }

  @Test
  void withAWorkerFreeItStartsFirstBesideTheBatches() {
    var r = runner(2);
    r.submit(send("x"));
    r.dispatch(); // x takes one worker
    r.submit(send("a/1"));
    r.submit(send("a/2"));
    r.submit(large("big"));
    drain(r);
    assertThat(transport.calls.subList(0, 2)).containsExactly("send x", "send big");
    assertThat(transport.calls).hasSize(3).contains("send a/1,a/2");
  }

  /** ...but never ahead of an earlier item on its paths: a directory above it, or the same file. */
  @Test
  void aLargeFileStaysBehindAnEarlierItemOnItsPaths() {
    var r = runner(1);
    r.submit(send("x"));
    r.dispatch();
    r.submit(new WorkItem.Send(List.of(Bytes.of("d")), true, 0, 0));
    r.submit(large("d/big"));
    r.submit(send("y"));
    r.submit(large("y"));
    drain(r);
    assertThat(transport.calls).containsExactly("send x", "tree d", "send d/big", "send y", "send y");
  }

  /** A small file, or a large one among other paths, keeps its place. */
  @Test
  void onlyAFileSentAloneGoesAhead() {
    var r = runner(1);
    r.submit(send("x"));
    r.dispatch();
    r.submit(new WorkItem.Send(List.of(Bytes.of("d")), true, 0, 0));
    r.submit(new WorkItem.Send(List.of(Bytes.of("s")), false, EngineSettings.DEFAULT_LARGE_FILE - 1, 0));
    drain(r);
    assertThat(transport.calls).containsExactly("send x", "tree d", "send s");
  }

  /** Queued at its creation and again at its close_write, behind a backlog: the 76 MB went twice, the second last. */
  @Test
  void aLargeFileQueuedTwiceWhileBothWaitGoesOnce() {
    var r = runner(1);
    r.submit(send("x"));
    r.dispatch();
    r.submit(large("big"));
    r.submit(send("b1"));
    r.submit(large("big"));
    r.submit(send("b2"));
    drain(r);
    assertThat(transport.calls).containsExactly("send x", "send big", "send b1,b2");
    assertThat(r.idle()).isTrue();
  }

  /** Not past an item between them on its paths: the second send follows that item's change. */
  @Test
  void aRepeatAfterAnItemOnItsPathsStays() {
    var r = runner(1);
    r.submit(send("x"));
    r.dispatch();
    r.submit(large("d/big"));
    r.submit(new WorkItem.Send(List.of(Bytes.of("d")), true, 0, 0));
    r.submit(large("d/big"));
    drain(r);
    assertThat(transport.calls).containsExactly("send x", "send d/big", "tree d", "send d/big");
  }

  /** One worker at most goes to large files out of turn: small files never wait behind a row of them. */
  @Test
  void whileALargeFileRunsTheNextWaitsItsTurn() {
    var r = runner(2);
    r.submit(large("big1"));
    r.dispatch(); // big1 runs on one worker
    r.submit(send("b1"));
    r.submit(large("big2"));
    r.submit(send("b2"));
    r.dispatch(); // one worker free: b1 in its turn, not big2
    while (!workers.isEmpty()) workers.poll().run();
    assertThat(transport.calls).containsExactly("send big1", "send b1");
    drain(r);
    assertThat(transport.calls).containsExactly("send big1", "send b1", "send big2", "send b2");
  }
}
