package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The slice set against sets of {@link BytePath}s holding the same paths and ancestors. */
class PrefixSetTest {
  /** Short byte strings of 'a', 'b', '/' and a non-ASCII byte: doubled, leading and trailing slashes, the empty path. */
  @Provide
  Arbitrary<byte[]> paths() {
    return Arbitraries.of((byte) 'a', (byte) 'b', (byte) '/', (byte) 0xe9).array(byte[].class).ofMaxSize(7);
  }

  /** Up to 80: past the first table's 64 slots. */
  @Provide
  Arbitrary<List<byte[]>> pathLists() {
    return paths().list().ofMaxSize(80);
  }

  @Property(tries = 300)
  void holdsWhatTheSameSetsOfPathsHold(@ForAll("pathLists") List<byte[]> added, @ForAll("pathLists") List<byte[]> asked) {
    var named = new PrefixSet();
    var above = new PrefixSet();
    var split = new PrefixSet.Split();
    Set<BytePath> namedModel = new HashSet<>(), aboveModel = new HashSet<>();
    for (byte[] p : added) {
      BytePath b = BytePath.of(p);
      assertThat(named.add(split.of(p))).isEqualTo(namedModel.add(b));
      above.addAncestors(split);
      for (BytePath a : b.ancestors()) aboveModel.add(a);
    }
    List<byte[]> all = new ArrayList<>(added);
    all.addAll(asked);
    for (byte[] p : all) {
      BytePath b = BytePath.of(p);
      String what = Bytes.display(p);
      split.of(p);
      assertThat(named.contains(split)).as("named %s", what).isEqualTo(namedModel.contains(b));
      assertThat(above.contains(split)).as("above %s", what).isEqualTo(aboveModel.contains(b));
      assertThat(named.holdsAncestorOf(split, false)).as("below a named: %s", what).isEqualTo(b.isUnderAny(namedModel, false));
      assertThat(named.holdsAncestorOf(split, true)).as("a named or below one: %s", what).isEqualTo(b.isUnderAny(namedModel, true));
    }
    assertThat(named.isEmpty()).isEqualTo(namedModel.isEmpty());
  }

  @Test
  void growsPastItsFirstTableAndKeepsEverySlice() {
    var set = new PrefixSet();
    var split = new PrefixSet.Split();
    List<byte[]> paths = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) paths.add(Bytes.of("d" + i % 37 + "/sub/f" + i));
    for (byte[] p : paths) {
      assertThat(set.add(split.of(p))).isTrue();
      set.addAncestors(split);
    }
    for (byte[] p : paths) {
      assertThat(set.add(split.of(p))).isFalse();
      assertThat(set.contains(split.of(Bytes.of(Bytes.display(p) + "/x")))).isFalse();
      assertThat(set.holdsAncestorOf(split.of(Bytes.of(Bytes.display(p) + "/x")), false)).isTrue();
    }
    assertThat(set.contains(split.of(Bytes.of("d36/sub")))).isTrue();
    assertThat(set.contains(split.of(Bytes.of("d37")))).isFalse();
  }

  @Test
  void aPathDeeperThanTheSplitsFirstArraysKeepsAllItsAncestors() {
    String deep = String.join("/", java.util.Collections.nCopies(40, "n"));
    var set = new PrefixSet();
    var split = new PrefixSet.Split();
    set.addAncestors(split.of(Bytes.of(deep)));
    assertThat(set.contains(split.of(Bytes.of("n")))).isTrue();
    assertThat(set.contains(split.of(Bytes.of(deep.substring(0, deep.length() - 2))))).isTrue();
    assertThat(set.contains(split.of(Bytes.of(deep)))).isFalse();
  }
}
