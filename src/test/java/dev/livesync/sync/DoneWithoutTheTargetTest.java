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
 * Under a policy that sends no deletion while running (startup, never), a batch of deletions alone
 * and a rename are done without asking the target. Done as the attempt while the target was down, one
 * ended the backoff: "delivered again after 2 failed attempts; resuming", status "ok", the queue merged
 * as after an outage (seen in the log of ProcessScenariosTest's kill -9 scenario under delete =
 * startup, the daemon stopped). The target is failing until it answers. (A fake transport and clock.)
 */
class DoneWithoutTheTargetTest {
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

  /** A runner under delete = startup whose target is down: "a" has failed twice, so the next attempt takes the items tried least. */
  TargetRunner downTwice() {
    var r = new TargetRunner(transport, clock, new RunnerSettings(4, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.STARTUP, p -> Bytes.latin1(p).startsWith("gone") ? -1 : 0, null),
        workers::add, loop::add, null, (t, i, res, n) -> delivered.add(i), (t, o, m) -> {});
    var down = new TransferResult(Outcome.RETRY, 10, List.of(), 0, 0, 0, "nothing accepts connections");
    transport.script.add(down);
    transport.script.add(down);
    r.submit(new WorkItem.Send(List.of(Bytes.of("a")), false, 0, 0));
    r.dispatch();
    runWorkers();
    while (transport.calls.size() < 2) nextAttempt(r);
    return r;
  }

  /** {@code items} done without the target as the next attempt; the target still down; then the attempt that was due, "a", finds it back. */
  void doneWithoutItThenBack(TargetRunner r, int items) {
    while (delivered.size() < items && transport.calls.size() < 3) nextAttempt(r);
    assertThat(delivered).as("done, without the target").hasSize(items);
    assertThat(transport.calls).as("nothing asked of the target").containsExactly("send a", "send a");
    assertThat(r.snapshot(-1).state()).as("the target is no more reachable than before").isEqualTo("retrying");
    assertThat(r.backingOff()).isTrue();
    r.dispatch();
    runWorkers();
    assertThat(transport.calls).containsExactly("send a", "send a", "send a");
    assertThat(r.snapshot(-1).state()).isEqualTo("ok");
  }

  @Test
  void aBatchOfDeletionsAloneSaysNothingOfATargetThatIsDown() {
    var r = downTwice();
    r.submit(new WorkItem.Send(List.of(Bytes.of("gone1"), Bytes.of("gone2")), false, 0, 0)); // deleted at the source
    doneWithoutItThenBack(r, 1);
  }

  /** Several directory renames queued together run as one group: it too said the target was back. */
  @Test
  void aGroupOfRenamesSaysNothingOfATargetThatIsDown() {
    var r = downTwice();
    for (String d : List.of("d0", "d1", "d2")) r.submit(new WorkItem.Rename(Bytes.of(d), Bytes.of(d + ".moved"), true, 0));
    doneWithoutItThenBack(r, 3);
  }
}
