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

/**
 * Under a policy that sends no deletion while running (startup, never), a rename moves nothing at the
 * target: the old name stays, the batch after it sends the new one. Several directory renames queued
 * together run as one group; done as the attempt while the target was down, the group ended the
 * backoff ("delivered again after 2 failed attempts; resuming", status "ok", the queue merged as after
 * an outage), as a single rename or a batch of deletions alone no longer did. Seen in the log of
 * ProcessScenariosTest's kill -9 scenario under delete = startup, the daemon stopped: four directories
 * renamed while it was down.
 */
class RenamesWithoutTheTargetTest {
  final FakeClock clock = new FakeClock();
  final FakeTransport transport = new FakeTransport();
  final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  final ArrayDeque<Runnable> workers = new ArrayDeque<>();
  final List<WorkItem> delivered = new ArrayList<>();
  final Backoff retry = new Backoff(1_000_000_000L, 60_000_000_000L, new SplittableRandom(1));

  void runWorkers() {
    while (!workers.isEmpty()) workers.poll().run();
    while (!loop.isEmpty()) loop.poll().run();
  }

  /** Waits (on the fake clock) until the runner's next wake, then starts what may start and runs it. */
  void nextAttempt(TargetRunner r) {
    clock.advanceMillis(Math.max(1, (r.nextWakeNanos() - clock.nanos()) / 1_000_000 + 1));
    r.dispatch();
    runWorkers();
  }

  @Test
  void aGroupOfRenamesDoneWithoutTheTargetSaysNothingOfATargetThatIsDown() {
    var r = new TargetRunner(transport, clock, new RunnerSettings(4, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.STARTUP, p -> 0, null),
        workers::add, loop::add, null, (t, i, res, n) -> delivered.add(i), (t, o, m) -> {});
    var down = new TransferResult(Outcome.RETRY, 10, List.of(), 0, 0, 0, "nothing accepts connections");
    transport.script.add(down);
    transport.script.add(down);
    r.submit(new WorkItem.Send(List.of(Bytes.of("a")), false, 0, 0));
    r.dispatch();
    runWorkers(); // the target is down
    while (transport.calls.size() < 2) nextAttempt(r); // and still is: "a" has failed twice
    for (String d : List.of("d0", "d1", "d2")) r.submit(new WorkItem.Rename(Bytes.of(d), Bytes.of(d + ".moved"), true, 0));
    while (delivered.size() < 3 && transport.calls.size() < 3) nextAttempt(r); // the next attempt takes the items tried least
    assertThat(delivered).as("the renames were done together, without the target").hasSize(3);
    assertThat(transport.calls).as("nothing moved at the target").containsExactly("send a", "send a");
    assertThat(r.snapshot(-1).state()).as("the target is no more reachable than before").isEqualTo("retrying");
    assertThat(r.backingOff()).isTrue();
    // the attempt that was due still is: the failed batch is it, and finds the target back
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a", "send a", "send a");
    assertThat(r.snapshot(-1).state()).isEqualTo("ok");
  }
}
