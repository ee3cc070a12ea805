package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ParentTimesTest {
  final ParentTimes times = new ParentTimes();

  static WorkItem send(String... paths) {
    return new WorkItem.Send(Stream.of(paths).map(Bytes::of).toList(), false, 0, 0);
  }

  static List<String> shown(List<byte[]> parents) {
    return parents.stream().map(Bytes::display).toList();
  }

  @Test
  void aSendEndingAfterALaterOneGivesBackTheParentsTheyShare() {
    WorkItem early = send("a/b/one", "c/two");
    WorkItem late = send("a/b/three", "a/four");
    long e = times.started();
    long l = times.started();
    assertThat(times.ended(l, late, 0)).isEmpty();
    assertThat(shown(times.ended(e, early, 0))).containsExactlyInAnyOrder("a/b", "a"); // not c: only the early one carried it
  }

  @Test
  void sendsEndingInTheOrderTheyStartedGiveBackNothing() {
    WorkItem early = send("a/b/one");
    WorkItem late = send("a/b/two");
    long e = times.started();
    long l = times.started();
    assertThat(times.ended(e, early, 0)).isEmpty();
    assertThat(times.ended(l, late, 0)).isEmpty();
  }

  @Test
  void aSendStartedAfterTheOthersEndedIsNotComparedWithThem() {
    long l = times.started();
    long e = times.started();
    assertThat(times.ended(e, send("a/x"), 0)).isEmpty();
    assertThat(shown(times.ended(l, send("a/y"), 0))).containsExactly("a");
    long next = times.started(); // nothing runs any more: all of the above is forgotten
    assertThat(times.ended(next, send("a/z"), 0)).isEmpty();
  }

  @Test
  void whileOthersRunTheyWaitTenSecondsOrForTheLastToEnd() {
    long e = times.started();
    long l = times.started();
    long other = times.started();
    assertThat(times.ended(l, send("a/b/two"), 0)).isEmpty();
    assertThat(times.ended(e, send("a/b/one"), 100)).isEmpty(); // set back, but a send still runs
    assertThat(shown(times.ended(other, send("c/three"), 200))).containsExactlyInAnyOrder("a/b", "a");

    long e2 = times.started();
    long l2 = times.started();
    times.started(); // runs on
    times.ended(l2, send("x/two"), 1_000);
    assertThat(times.ended(e2, send("x/one"), 1_000)).isEmpty();
    long soon = times.started();
    assertThat(times.ended(soon, send("y/w"), 1_000 + 9_000_000_000L)).isEmpty();
    long more = times.started();
    assertThat(shown(times.ended(more, send("y/z"), 1_000 + 10_000_000_000L))).containsExactly("x");
  }

  @Test
  void topLevelPathsHaveNoParentToGiveBack() {
    long e = times.started();
    long l = times.started();
    assertThat(times.ended(l, send("one"), 0)).isEmpty();
    assertThat(times.ended(e, send("two"), 0)).isEmpty();
  }
}
