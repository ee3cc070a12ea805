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
    names.made(Bytes.of("spool"));
    assertThat(names.lost(paths("spool/m1", "spool/m2", "old", "spool"))).isEqualTo(2);
    clock.advanceMillis(50_000);
    assertThat(names.lost(paths("spool/m1"))).isZero();
    clock.advanceMillis(21_000); // 71 s: past the minute and its last bucket
    assertThat(names.lost(paths("spool/m1", "spool"))).isEqualTo(2);
  }

  @Test
  void aRenamesNewNameCoversWhatIsBelowItForTenMinutes() {
    names.renamedTo(Bytes.of("a/moved"));
    names.movedTo(Bytes.of("in-from-outside"), false);
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

  @Test
  void manyNamesMadeLeaveFewOthersTakenForMade() {
    for (int i = 0; i < 30_000; i++) names.made(Bytes.of("tmp/f" + i)); // 3,000 a second for 10 s
    List<byte[]> others = new java.util.ArrayList<>();
    for (int i = 0; i < 10_000; i++) others.add(Bytes.of("data/f" + i));
    assertThat(names.lost(others)).isGreaterThan(9_950); // well under 1 % false matches
  }
}
