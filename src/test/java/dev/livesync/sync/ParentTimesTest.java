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
    assertThat(times.ended(l, late)).isEmpty();
    assertThat(shown(times.ended(e, early))).containsExactlyInAnyOrder("a/b", "a"); // not c: only the early one carried it
  }

  @Test
  void sendsEndingInTheOrderTheyStartedGiveBackNothing() {
    WorkItem early = send("a/b/one");
    WorkItem late = send("a/b/two");
    long e = times.started();
    long l = times.started();
    assertThat(times.ended(e, early)).isEmpty();
    assertThat(times.ended(l, late)).isEmpty();
  }

  @Test
  void aSendStartedAfterTheOthersEndedIsNotComparedWithThem() {
    long l = times.started();
    long e = times.started();
    assertThat(times.ended(e, send("a/x"))).isEmpty();
    assertThat(shown(times.ended(l, send("a/y")))).containsExactly("a");
    long next = times.started(); // nothing runs any more: all of the above is forgotten
    assertThat(times.ended(next, send("a/z"))).isEmpty();
  }

  @Test
  void topLevelPathsHaveNoParentToGiveBack() {
    long e = times.started();
    long l = times.started();
    assertThat(times.ended(l, send("one"))).isEmpty();
    assertThat(times.ended(e, send("two"))).isEmpty();
  }
}
