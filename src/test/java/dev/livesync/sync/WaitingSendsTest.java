package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.TargetQueue.State;
import dev.livesync.sync.TargetQueue.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitingSendsTest {
  static final WaitingSends.Limits LIMITS = new WaitingSends.Limits(2000, 64L << 20, 16L << 20);
  long seq;

  Task task(WorkItem item) {
    Task t = new Task(item, ++seq, new ArrayList<>(), false);
    t.order = seq;
    return t;
  }

  Task send(long bytes, String... paths) {
    return task(new WorkItem.Send(List.of(paths).stream().map(Bytes::of).toList(), false, bytes, 100 + seq));
  }

  static List<String> shown(List<Task> tasks) {
    return tasks.stream().map(t -> (t.queued() ? "" : "running ") + t.item + (t.item instanceof WorkItem.Send s
        ? " " + String.join(",", s.paths().stream().map(Bytes::display).toList()) : "")).toList();
  }

  @Test
  void adjacentWaitingSendsBecomeOneThatTakesOverTheirRecords() {
    List<Task> q = new ArrayList<>(List.of(send(10, "a", "b"), send(20, "b", "c"), send(30, "d")));
    long delta = WaitingSends.fold(q, 0, LIMITS);
    assertThat(shown(q)).containsExactly("send 4 paths a,b,c,d");
    assertThat(delta).as("b was queued twice and goes once").isEqualTo(-1);
    Task f = q.getFirst();
    assertThat(f.seq).isEqualTo(1);
    assertThat(f.alsoDone).containsExactly(2L, 3L);
    assertThat(f.order).as("the latest place: a rename's copy never drops a path queued after it").isEqualTo(3);
    var s = (WorkItem.Send) f.item;
    assertThat(s.bytes()).isEqualTo(60);
    assertThat(s.oldestNanos()).isEqualTo(100);
  }

  /** Each send's base lies above what it left out; the fold's lies above all of theirs. */
  @Test
  void aFoldedSendStartsNoDeeperThanAnyOfItsParts() {
    List<Task> q = new ArrayList<>(List.of(based("r/x/a", "r/x/a/f"), based("r/x/b", "r/x/b/g"), based("r/x/b/deep", "r/x/b/deep/h")));
    WaitingSends.fold(q, 0, LIMITS);
    assertThat(((WorkItem.Send) q.getFirst().item).base().toString()).isEqualTo("r/x");
    q = new ArrayList<>(List.of(based("r/x/a", "r/x/a/f"), send(0, "r/x/a/g")));
    WaitingSends.fold(q, 0, LIMITS);
    assertThat(((WorkItem.Send) q.getFirst().item).base()).as("a part from the top").isEqualTo(dev.livesync.fs.BytePath.EMPTY);
  }

  Task based(String base, String... paths) {
    return task(new WorkItem.Send(List.of(paths).stream().map(Bytes::of).toList(), false, 0, 100 + seq, false, dev.livesync.fs.BytePath.of(base)));
  }

  @Test
  void fullBatchesStayAsTheyAreAndTheirClaimsStillHoldBackWhatFollows() {
    var three = new WaitingSends.Limits(3, 64L << 20, 16L << 20);
    List<Task> full = new ArrayList<>(List.of(send(0, "a1", "a2", "a3"), send(0, "g", "h", "i"), send(0, "j", "k", "l")));
    assertThat(WaitingSends.fold(full, 0, three)).isZero();
    assertThat(shown(full)).hasSize(3);
    List<Task> q = new ArrayList<>(List.of(send(0, "a1", "a2", "a3"), send(0, "d/x", "b2", "b3"), send(0, "d"),
        send(0, "e"), send(0, "f"), send(0, "g", "h", "i"), send(0, "j", "k", "l")));
    WaitingSends.fold(q, 0, three);
    assertThat(shown(q)).as("d waits for d/x's batch; e and f fold; the full batches after them are not looked at")
        .containsExactly("send 3 paths a1,a2,a3", "send 3 paths d/x,b2,b3", "send 1 paths d", "send 2 paths e,f",
            "send 3 paths g,h,i", "send 3 paths j,k,l");
  }

  @Test
  void recordsTheFoldedPartsHadTakenOverStayTakenOver() {
    Task a = send(0, "a");
    a.alsoDone.add(77L);
    Task b = send(0, "b");
    b.alsoDone.add(88L);
    List<Task> q = new ArrayList<>(List.of(a, b));
    WaitingSends.fold(q, 0, LIMITS);
    assertThat(q.getFirst().alsoDone).containsExactly(77L, 2L, 88L);
  }

  @Test
  void nothingMovesPastARenameARunningItemOrAFullSync() {
    Task running = send(0, "r");
    running.state = State.RUNNING;
    List<Task> q = new ArrayList<>(List.of(send(0, "a"), send(0, "b"),
        task(new WorkItem.Rename(Bytes.of("x"), Bytes.of("y"), false, 0)), send(0, "c"), send(0, "d"),
        running, send(0, "e"), send(0, "f"),
        task(new WorkItem.FullSync(true, "test", 0)), send(0, "g"), send(0, "h")));
    WaitingSends.fold(q, 0, LIMITS);
    assertThat(shown(q)).containsExactly("send 2 paths a,b", "rename x -> y", "send 2 paths c,d", "running send 1 paths r",
        "send 2 paths e,f", "full sync (test)", "send 1 paths g", "send 1 paths h"); // behind the barrier: they wait as they are
  }

  @Test
  void treesTouchesALargeFileRetriesStartupItemsAndNarrowedSendsStayAsTheyAre() {
    Task tree = task(new WorkItem.Send(List.of(Bytes.of("t")), true, 0, 0));
    Task touched = task(new WorkItem.Send(List.of(Bytes.of("u")), false, 0, 0, true));
    Task large = send(16L << 20, "big.iso");
    Task retry = send(0, "retry");
    retry.attempts = 1;
    Task later = send(0, "later");
    later.notBefore = 5_000;
    Task startup = send(0, "");
    startup.startup = true;
    Task narrowed = send(0, "gone");
    narrowed.gone = List.of(Bytes.of("gone"));
    List<Task> all = List.of(tree, touched, large, retry, later, startup, narrowed);
    for (Task t : all) {
      List<Task> q = new ArrayList<>(List.of(send(0, "a"), t, send(0, "b")));
      WaitingSends.fold(q, 1_000, LIMITS);
      assertThat(q).as(t.item.toString()).hasSize(3).contains(t);
    }
  }

  @Test
  void aFoldedSendKeepsTheBatchLimits() {
    var limits = new WaitingSends.Limits(5, 1000, 16L << 20);
    List<Task> q = new ArrayList<>(List.of(send(0, "a", "b"), send(0, "c", "d"), send(0, "e", "f"), send(0, "g")));
    WaitingSends.fold(q, 0, limits);
    assertThat(shown(q)).as("4 paths fit, 6 do not; the rest starts a fold of its own")
        .containsExactly("send 4 paths a,b,c,d", "send 3 paths e,f,g");
    q = new ArrayList<>(List.of(send(600, "a"), send(600, "b"), send(300, "c")));
    WaitingSends.fold(q, 0, limits);
    assertThat(shown(q)).containsExactly("send 1 paths a", "send 2 paths b,c");
  }

  @Test
  void aSendNamingADirectoryAboveOrAPathBelowOneAlreadyFoldedStartsAFoldOfItsOwn() {
    List<Task> q = new ArrayList<>(List.of(send(0, "c"), send(0, "a/x"), send(0, "a"), send(0, "d")));
    WaitingSends.fold(q, 0, LIMITS);
    assertThat(shown(q)).as("a waits for a/x (PathClaims), d then folds alone")
        .containsExactly("send 2 paths c,a/x", "send 1 paths a", "send 1 paths d");
  }

  @Test
  void aSendThatAnEarlierItemHoldsBackIsNotFoldedNorIsOneThatCouldStartFoldedIntoIt() {
    Task running = send(0, "log");
    running.state = State.RUNNING;
    List<Task> q = new ArrayList<>(List.of(running, send(0, "log", "x"), send(0, "y"), send(0, "z")));
    WaitingSends.fold(q, 0, LIMITS);
    assertThat(shown(q)).containsExactly("running send 1 paths log", "send 2 paths log,x", "send 2 paths y,z");
  }

  @Test
  void aSingleWaitingSendIsLeftAlone() {
    Task only = send(0, "a");
    List<Task> q = new ArrayList<>(List.of(only));
    assertThat(WaitingSends.fold(q, 0, LIMITS)).isZero();
    assertThat(q).containsExactly(only);
  }
}
