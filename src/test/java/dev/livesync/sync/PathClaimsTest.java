package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The claims against the rule they stand for: two paths conflict when one is the other or lies below it. */
class PathClaimsTest {
  /** Paths of one to three names from a few, so that they often share ancestors. */
  @Provide
  Arbitrary<byte[]> paths() {
    return Arbitraries.of("a", "b", "ab", "a.b", "\u00e9").list().ofMinSize(1).ofMaxSize(3).map(names -> Bytes.of(String.join("/", names)));
  }

  @Provide
  Arbitrary<List<List<byte[]>>> sends() {
    return paths().list().ofMinSize(1).ofMaxSize(4).list().ofMaxSize(4);
  }

  @Property(tries = 500)
  void aSendConflictsExactlyWhenOneOfItsPathsIsOrIsAboveOrBelowAClaimedOne(
      @ForAll("sends") List<List<byte[]>> claimed, @ForAll("sends") List<List<byte[]>> asked) {
    var claims = new PathClaims();
    List<BytePath> all = new ArrayList<>();
    for (List<byte[]> s : claimed) {
      claims.add(new WorkItem.Send(s, false, 0, 0));
      for (byte[] p : s) all.add(BytePath.of(p));
    }
    for (List<byte[]> s : asked) {
      boolean want = false;
      for (byte[] p : s) {
        BytePath q = BytePath.of(p);
        for (BytePath c : all) want |= q.isUnder(c) || c.isUnder(q);
      }
      assertThat(claims.conflicts(new WorkItem.Send(s, false, 0, 0))).as("%s against %s", s.stream().map(Bytes::display).toList(), all).isEqualTo(want);
    }
  }

  @Test
  void aFullSyncClaimsEverythingAndConflictsWithAnyClaim() {
    var claims = new PathClaims();
    assertThat(claims.conflicts(new WorkItem.FullSync(false, "test", 0))).isFalse();
    claims.add(new WorkItem.Rename(Bytes.of("a/x"), Bytes.of("b/y"), false, 0));
    assertThat(claims.conflicts(new WorkItem.FullSync(false, "test", 0))).isTrue();
    assertThat(claims.conflicts(new WorkItem.Send(List.of(Bytes.of("b")), true, 0, 0))).isTrue();
    assertThat(claims.conflicts(new WorkItem.Send(List.of(Bytes.of("a/xy")), false, 0, 0))).isFalse();
    claims.add(new WorkItem.FullSync(false, "test", 0));
    assertThat(claims.all()).isTrue();
    assertThat(claims.conflicts(new WorkItem.Send(List.of(Bytes.of("c")), false, 0, 0))).isTrue();
  }
}
