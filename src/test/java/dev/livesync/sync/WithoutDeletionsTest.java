package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which paths of a send go again when its deletions could not be judged and the rest went without them. */
class WithoutDeletionsTest {
  static final TransferResult MOVED = new TransferResult(Outcome.PARTIAL, 24, List.of(), 0, 0, 7, "directory has vanished");

  private static List<byte[]> paths(String... names) {
    return java.util.Arrays.stream(names).map(Bytes::of).toList();
  }

  private static List<String> names(TransferResult r) {
    return r.failedPaths().stream().map(Bytes::latin1).toList();
  }

  private static TransferResult sent(long files) {
    return TransferResult.ok(files, files * 10, 5);
  }

  @Test
  void thePathsGoneFromTheSourceGoAgainTheOthersArrived() {
    var r = WithoutDeletions.deferred(sent(2), paths("gone", "a", "b"), paths("a", "b"), false, paths("gone"), MOVED);
    assertThat(r.outcome()).isEqualTo(Outcome.PARTIAL);
    assertThat(names(r)).containsExactly("gone");
    assertThat(r.exitCode()).isEqualTo(24);
    assertThat(r.sourceMoved()).isTrue();
    assertThat(r.files()).isEqualTo(2);
    assertThat(r.millis()).isEqualTo(12);
  }

  @Test
  void aTreeWithADeletionInsideGoesAgainOthersDoNot() {
    var r = WithoutDeletions.deferred(sent(3), paths("t1", "t2", "gone"), paths("t1", "t2"), true, paths("t1/x/old", "gone"), MOVED);
    assertThat(names(r)).containsExactlyInAnyOrder("gone", "t1");
  }

  @Test
  void everyTreeGoesAgainWhereItsDeletionsAreNotKnown() {
    var r = WithoutDeletions.deferred(sent(3), paths("t1", "t2"), paths("t1", "t2"), true, null, MOVED);
    assertThat(names(r)).containsExactly("t1", "t2");
    var plain = WithoutDeletions.deferred(sent(3), paths("f1", "gone"), paths("f1"), false, null, MOVED);
    assertThat(names(plain)).containsExactly("gone");
  }

  @Test
  void theWholeTreeSentGoesAgainForADeletionAnywhere() {
    var r = WithoutDeletions.deferred(sent(3), paths(""), paths(""), true, paths("a/b"), MOVED);
    assertThat(names(r)).containsExactly("");
  }

  @Test
  void aDeletionTheSendWasRefusedSendsEverythingAgain() {
    var refused = new TransferResult(Outcome.PARTIAL, 25, List.of(), 0, 0, 3, "max-delete");
    var r = WithoutDeletions.deferred(refused, paths("gone", "a"), paths("a"), false, paths("gone"), MOVED);
    assertThat(names(r)).containsExactly("gone", "a");
  }

  @Test
  void whatTheSendFailedOnGoesAgainAllOfItWhenItNamesNothing() {
    var some = new TransferResult(Outcome.PARTIAL, 24, paths("b"), 1, 10, 3, "vanished");
    assertThat(names(WithoutDeletions.deferred(some, paths("gone", "a", "b"), paths("a", "b"), false, paths("gone"), MOVED)))
        .containsExactly("gone", "b");
    var unnamed = new TransferResult(Outcome.PARTIAL, 23, List.of(), 0, 0, 3, "some error");
    assertThat(names(WithoutDeletions.deferred(unnamed, paths("gone", "a", "b"), paths("a", "b"), false, paths("gone"), MOVED)))
        .containsExactly("gone", "a", "b");
  }

  @Test
  void aFailedTargetOrNothingLeftIsTheSendsOwnResult() {
    var down = new TransferResult(Outcome.RETRY, 10, List.of(), 0, 0, 3, "connection refused");
    assertThat(WithoutDeletions.deferred(down, paths("gone", "a"), paths("a"), false, paths("gone"), MOVED)).isSameAs(down);
    var ok = sent(2);
    assertThat(WithoutDeletions.deferred(ok, paths("a", "b"), paths("a", "b"), false, null, MOVED)).isSameAs(ok);
  }
}
