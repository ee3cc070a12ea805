package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's memory of the source's recent names: exact for names made, by directory for renames, forgotten in time. */
class RecentNamesTest {
  final FakeClock clock = new FakeClock();
  final RecentNames names = new RecentNames(clock);

  private static List<byte[]> paths(String... p) {
    return GuardedLocal.paths(p);
  }

  @Test
  void aNameMadeWithinTheMinuteIsNoLossWhenDeletedAndCountsAgainAfterIt() {
    names.made(Bytes.of("spool/m1"));
    assertThat(names.lost(paths("spool/m1", "spool/m2", "old", "spool"))).isEqualTo(3);
    clock.advanceMillis(50_000);
    assertThat(names.lost(paths("spool/m1"))).isZero();
    clock.advanceMillis(21_000); // 71 s: past the minute and its last bucket
    assertThat(names.lost(paths("spool/m1"))).isEqualTo(1);
  }

  @Test
  void aRenamesNewNameCoversWhatIsBelowItForTenMinutes() {
    names.renamedTo(Bytes.of("a/moved"));
    names.moved(null, Bytes.of("in-from-outside"));
    assertThat(names.renamed(Bytes.of("a/moved"))).isTrue();
    assertThat(names.renamed(Bytes.of("a/moved/d/f"))).isTrue();
    assertThat(names.renamed(Bytes.of("a/moved.txt"))).as("a name beside it").isFalse();
    assertThat(names.renamed(Bytes.of("a"))).as("above it").isFalse();
    assertThat(names.renamed(Bytes.of("in-from-outside"))).as("moved in: made, no rename").isFalse();
    assertThat(names.lost(paths("in-from-outside"))).isZero();
    clock.advanceMillis(9 * 60_000);
    assertThat(names.renamed(Bytes.of("a/moved/f"))).isTrue();
    clock.advanceMillis(3 * 60_000);
    assertThat(names.renamed(Bytes.of("a/moved/f"))).isFalse();
  }

  /** mkdir d; files in it; mv d m; rm -rf m, within the minute: a build's or a test's scratch tree, no loss. */
  @Test
  void whatIsMadeInADirectoryMadeLatelyIsMadeUnderItsNewNameTooButNotWhatWasRenamedIntoIt() {
    names.made(Bytes.of("d"));
    names.made(Bytes.of("d/f"));
    names.moved(Bytes.of("old/data"), Bytes.of("d/data")); // moved in from the tree's older part: a rename
    names.moved(Bytes.of("d"), Bytes.of("m"));
    assertThat(names.renamed(Bytes.of("m/f"))).as("made, not renamed").isFalse();
    assertThat(names.lost(paths("m", "m/f", "m/g"))).as("all made lately: the directory was").isZero();
    assertThat(names.lost(paths("d/data", "d/data/x"))).as("what was renamed into it").isEqualTo(2);
    names.moved(Bytes.of("kept"), Bytes.of("renamed")); // an old directory renamed
    names.made(Bytes.of("renamed/tmp"));
    assertThat(names.lost(paths("renamed/tmp", "renamed/old-file", "renamed"))).isEqualTo(2);
  }

  @Test
  void manyNamesMadeLeaveFewOthersTakenForMade() {
    for (int i = 0; i < 30_000; i++) names.made(Bytes.of("tmp/f" + i)); // 3,000 a second for 10 s
    List<byte[]> others = new java.util.ArrayList<>();
    for (int i = 0; i < 10_000; i++) others.add(Bytes.of("data/f" + i));
    assertThat(names.lost(others)).isGreaterThan(9_950); // well under 1 % false matches
  }

  /** tar x over a file unlinks it and makes it again: the target had it all along. */
  @Test
  void aNameTheTargetHadDeletedAndMadeAgainIsNoNewName() {
    names.gone(Bytes.of("proj/f1"));
    names.made(Bytes.of("proj/f1"));
    names.made(Bytes.of("proj/f2")); // made where nothing was
    assertThat(names.lost(paths("proj/f1", "proj/f2"))).isEqualTo(1);
    clock.advanceMillis(75_000);
    assertThat(names.lost(paths("proj/f1"))).as("never recorded as made").isEqualTo(1);
  }

  /** A directory replaced by a symlink or a file: what was below it at the target is no new name. */
  @Test
  void whatIsBelowADirectoryReplacedIsNoNewName() {
    names.gone(Bytes.of("www/a/f"));
    names.gone(Bytes.of("www/a"));
    names.gone(Bytes.of("www"));
    names.made(Bytes.of("www"));
    assertThat(names.lost(paths("www/a/f", "www/a", "www/b"))).isEqualTo(3);
    names.moved(null, Bytes.of("www")); // moved back in from outside the tree
    assertThat(names.lost(paths("www/a/f"))).isEqualTo(1);
  }

  /** Temporary files and a build's objects made and deleted again and again within the minute stay new. */
  @Test
  void aNameMadeWithinTheMinuteDeletedAndMadeAgainStaysNew() {
    for (int round = 0; round < 3; round++) {
      names.made(Bytes.of("build"));
      names.made(Bytes.of("build/o1"));
      names.made(Bytes.of("tmp.swp"));
      assertThat(names.lost(paths("build/o1", "build/o2", "build", "tmp.swp"))).isZero();
      for (String n : List.of("build/o1", "build/o2", "build", "tmp.swp")) names.gone(Bytes.of(n));
      clock.advanceMillis(5_000);
    }
  }

  /** A held deletion whose file came back at the source: the target has it, whatever the events said. */
  @Test
  void aNameKnownAtTheTargetIsNoNewName() {
    names.made(Bytes.of("proj/f1"));
    names.atTarget(Bytes.of("proj/f1"));
    assertThat(names.lost(paths("proj/f1"))).isEqualTo(1);
  }
}
