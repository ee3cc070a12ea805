package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FuzzySplitTest {
  static List<byte[]> paths(String... p) {
    return List.of(p).stream().map(Bytes::of).toList();
  }

  static List<String> names(List<byte[]> p) {
    return p.stream().map(Bytes::display).toList();
  }

  @Test
  void withoutDeletionsNothingIsFuzzy() {
    var s = FuzzySplit.of(paths("a/1", "a/2", "b"), false, p -> true);
    assertThat(s.fuzzy()).isEmpty();
    assertThat(names(s.rest())).containsExactly("a/1", "a/2", "b");
  }

  @Test
  void onlyPresentPathsBesideADeletedOneAreFuzzy() {
    Set<String> missing = Set.of("a/old", "top-old");
    var s = FuzzySplit.of(paths("a/new", "b/other", "a/old", "top-new", "top-old", "a/sub/x"), false, p -> !missing.contains(Bytes.display(p)));
    assertThat(names(s.fuzzy())).containsExactly("a/new", "top-new");
    assertThat(names(s.rest())).containsExactly("b/other", "a/old", "top-old", "a/sub/x");
  }

  @Test
  void onlyDeletionsNeedNoFuzzyRun() {
    var s = FuzzySplit.of(paths("a/x", "b/y"), false, p -> false);
    assertThat(s.fuzzy()).isEmpty();
    assertThat(names(s.rest())).containsExactly("a/x", "b/y");
  }

  @Test
  void aTreeSendIsNeverFuzzy() {
    var s = FuzzySplit.of(paths("a/new-dir", "a/old-dir"), true, p -> Bytes.display(p).endsWith("new-dir"));
    assertThat(s.fuzzy()).isEmpty();
    assertThat(names(s.rest())).containsExactly("a/new-dir", "a/old-dir");
  }
}
