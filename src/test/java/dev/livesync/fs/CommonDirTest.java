package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CommonDirTest {
  private static String of(String... paths) {
    return CommonDir.of(Arrays.stream(paths).map(Bytes::of).toList()).toString();
  }

  @Test
  void theDeepestDirectoryAboveEveryPath() {
    assertThat(of("a/b/c/f", "a/b/c/g")).isEqualTo("a/b/c");
    assertThat(of("a/b/c/f", "a/b/d/g", "a/b/e")).isEqualTo("a/b");
    assertThat(of("a/b/c/f")).as("one path: its parent").isEqualTo("a/b/c");
    assertThat(of("a/b", "a/b/c/f")).as("a path above another: its parent").isEqualTo("a");
    assertThat(of("a/bc/f", "a/b/f")).as("names that share a start are not one directory").isEqualTo("a");
    assertThat(of("a/b/f", "a/bc/f")).isEqualTo("a");
    assertThat(of("ab/f", "a/f")).isEqualTo("");
    assertThat(of("a/b/f", "x")).as("a path at the top").isEqualTo("");
    assertThat(of(".")).isEqualTo("");
    assertThat(of()).isEqualTo("");
  }

  @Test
  void withinKeepsWhatStaysAboveNewPaths() {
    var ab = BytePath.of("a/b");
    assertThat(CommonDir.within(ab, List.of(Bytes.of("a/b/c/f")))).isEqualTo(ab);
    assertThat(CommonDir.within(ab, List.of(Bytes.of("a/b")))).as("the base itself is not below it").isEqualTo(BytePath.of("a"));
    assertThat(CommonDir.within(ab, List.of(Bytes.of("a/bc/f")))).isEqualTo(BytePath.of("a"));
    assertThat(CommonDir.within(ab, List.of(Bytes.of("x/y")))).isEqualTo(BytePath.EMPTY);
    assertThat(CommonDir.within(BytePath.EMPTY, List.of(Bytes.of("a/b/c")))).isEqualTo(BytePath.EMPTY);
    assertThat(CommonDir.shared(BytePath.of("a/b/c"), BytePath.of("a/b/d"))).isEqualTo(ab);
    assertThat(CommonDir.shared(BytePath.of("a/b"), BytePath.of("a/b/d"))).isEqualTo(ab);
    assertThat(CommonDir.shared(BytePath.of("a/b"), BytePath.EMPTY)).isEqualTo(BytePath.EMPTY);
  }

  /** Against the definition: a directory above every path (a proper ancestor of each), none deeper is. */
  @Property(tries = 500)
  void matchesTheDefinition(@ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 80) Integer> seeds) {
    String[] names = {"a", "b", "ab", "a.b", "b-"};
    List<byte[]> paths = seeds.stream().map(s -> {
      StringBuilder p = new StringBuilder();
      for (int depth = 1 + s % 4, x = s; depth > 0; depth--, x /= 5) p.append(p.isEmpty() ? "" : "/").append(names[x % 5]);
      return Bytes.of(p.toString());
    }).toList();
    BytePath c = CommonDir.of(paths);
    for (byte[] p : paths) {
      assertThat(c.isEmpty() || Bytes.isUnder(p, c.unsafeArray()) && p.length > c.length()).as("%s above %s", c, Bytes.display(p)).isTrue();
    }
    // one component deeper (taken from the first path) is not above them all
    byte[] first = paths.getFirst();
    int next = c.isEmpty() ? 0 : c.length() + 1;
    int end = next;
    while (end < first.length && first[end] != '/') end++;
    if (end < first.length) {
      byte[] deeper = Arrays.copyOf(first, end);
      boolean allBelow = paths.stream().allMatch(p -> Bytes.isUnder(p, deeper) && p.length > deeper.length);
      assertThat(allBelow).as("%s is deeper and above all", Bytes.display(deeper)).isFalse();
    }
    assertThat(CommonDir.within(c, paths)).isEqualTo(c);
  }
}
