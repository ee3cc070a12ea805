package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import dev.livesync.transport.FullSyncShard;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ShardPlannerTest {
  private static ShardPlanner.Dir dir(String rel, long own, ShardPlanner.Dir... children) {
    return ShardPlanner.Dir.of(Bytes.of(rel), own, List.of(children));
  }

  private static ShardPlanner.Dir randomTree(Random r, String rel, int depth) {
    List<ShardPlanner.Dir> children = new ArrayList<>();
    int n = depth > 4 ? 0 : r.nextInt(depth == 0 ? 8 : 5);
    for (int i = 0; i < n; i++) children.add(randomTree(r, (rel.isEmpty() ? "" : rel + "/") + "d" + i + (r.nextInt(20) == 0 ? "*" : ""), depth + 1));
    long own = r.nextInt(4) == 0 ? r.nextInt(5000) : r.nextInt(50);
    return ShardPlanner.Dir.of(Bytes.of(rel), own + children.size(), children);
  }

  @Property(tries = 300)
  void everyEntryIsInExactlyOnePart(@ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int parallelism) {
    ShardPlanner.Dir root = randomTree(new Random(seed), "", 0);
    List<FullSyncShard> parts = ShardPlanner.plan(root, parallelism, 100);

    assertThat(parts.stream().mapToLong(FullSyncShard::entries).sum()).isEqualTo(root.total());
    if (parts.size() == 1) {
      assertThat(parts.getFirst().isWhole()).isTrue();
      return;
    }
    List<FullSyncShard> remainders = parts.stream().filter(p -> p.root().length == 0).toList();
    assertThat(remainders).hasSize(1);
    List<byte[]> carved = parts.stream().filter(p -> p.root().length > 0).map(FullSyncShard::root).toList();
    assertThat(remainders.getFirst().carved()).containsExactlyInAnyOrderElementsOf(carved);
    long most = (root.total() + 2L * parallelism - 1) / (2L * parallelism);
    for (FullSyncShard p : parts) {
      if (p.root().length == 0) continue;
      assertThat(p.carved()).isEmpty();
      assertThat(p.entries()).isLessThanOrEqualTo(most);
      assertThat(p.entries() * 8).isGreaterThanOrEqualTo(most);
      assertThat(FullSyncShard.plain(p.root())).as("only plain names are carved: %s", p).isTrue();
      for (byte[] other : carved) {
        if (other == p.root()) continue;
        assertThat(Bytes.isUnder(p.root(), other) || Bytes.isUnder(other, p.root()) || java.util.Arrays.equals(other, p.root()))
            .as("%s and %s", Bytes.display(p.root()), Bytes.display(other)).isFalse();
      }
    }
  }

  private static ShardPlanner.Dir fold(ShardPlanner.Dir d, long floor) {
    return ShardPlanner.Dir.folded(d.rel(), d.own(), d.children().stream().map(c -> fold(c, floor)).toList(), floor);
  }

  private static List<String> described(List<FullSyncShard> parts) {
    return parts.stream().map(p -> Bytes.latin1(p.root()) + " " + p.entries() + " " + p.carved().stream().map(Bytes::latin1).sorted().toList()).sorted().toList();
  }

  /** Counting small subtrees as entries of their parents (as TreeCount does, to hold a big tree in little memory) changes no plan. */
  @Property(tries = 300)
  void foldingBelowTheFloorKeepsThePlan(@ForAll long seed, @ForAll @IntRange(min = 1, max = 64) int parallelism,
      @ForAll @IntRange(min = 0, max = 20_000) int minEntries) {
    ShardPlanner.Dir root = randomTree(new Random(seed), "", 0);
    ShardPlanner.Dir folded = fold(root, ShardPlanner.floor(parallelism, minEntries));

    assertThat(folded.total()).isEqualTo(root.total());
    assertThat(described(ShardPlanner.plan(folded, parallelism, minEntries)))
        .isEqualTo(described(ShardPlanner.plan(root, parallelism, minEntries)));
  }

  @Test
  void aFloorAboveTheRulesChangesThePlan() { // the property above can fail: too high a floor loses parts
    ShardPlanner.Dir root = dir("", 0, dir("a", 60), dir("b", 60), dir("c", 60), dir("d", 60));
    assertThat(ShardPlanner.plan(root, 2, 100)).hasSize(5);
    assertThat(ShardPlanner.plan(fold(root, 61), 2, 100)).hasSize(1);
  }

  @Test
  void aLopsidedTreeIsSplitWhereItIsBig() {
    ShardPlanner.Dir big = dir("big", 10,
        dir("big/a", 2000), dir("big/b", 2000), dir("big/c", 2000), dir("big/d", 2000), dir("big/e", 2000),
        dir("big/f", 2000), dir("big/g", 2000), dir("big/h", 2000), dir("big/i", 2000), dir("big/j", 2000));
    ShardPlanner.Dir root = dir("", 12, big, dir("small", 300), dir("tiny", 3));

    List<FullSyncShard> parts = ShardPlanner.plan(root, 4, 1000);

    assertThat(parts.stream().filter(p -> p.root().length > 0).map(p -> Bytes.latin1(p.root())))
        .containsExactlyInAnyOrder("big/a", "big/b", "big/c", "big/d", "big/e", "big/f", "big/g", "big/h", "big/i", "big/j");
    FullSyncShard rest = parts.stream().filter(p -> p.root().length == 0).findFirst().orElseThrow();
    assertThat(rest.entries()).isEqualTo(12 + 10 + 300 + 3);
    assertThat(parts.getFirst().entries()).as("largest first").isEqualTo(2000);
  }

  @Test
  void smallTreesOneWorkerAndFlatDirectoriesGoAsOneRsync() {
    ShardPlanner.Dir split = dir("", 2, dir("a", 2, dir("a/x", 250), dir("a/y", 250)), dir("b", 2, dir("b/x", 250), dir("b/y", 250)));
    assertThat(ShardPlanner.plan(split, 2, 10)).hasSize(5);
    assertThat(ShardPlanner.plan(split, 2, 10_000)).singleElement().matches(FullSyncShard::isWhole);
    assertThat(ShardPlanner.plan(split, 1, 10)).singleElement().matches(FullSyncShard::isWhole);
    // a directory's own files are one rsync's: two big flat directories cannot be cut finer than the parts asked
    ShardPlanner.Dir flat = dir("", 2, dir("a", 5000), dir("b", 5000));
    assertThat(ShardPlanner.plan(flat, 4, 10)).singleElement().matches(FullSyncShard::isWhole);
  }

  @Test
  void namesAnExcludeCannotSayStayWithTheirParent() {
    assertThat(FullSyncShard.plain(Bytes.of("a/b c/d"))).isTrue();
    for (String bad : List.of("a*", "a?", "[a]", "a\\b", "a\nb")) assertThat(FullSyncShard.plain(Bytes.of(bad))).as(bad).isFalse();
    assertThat(FullSyncShard.plain(new byte[] {'a', (byte) 0xff})).isFalse();
  }

  @Test
  void theCountLeavesOutWhatTheExcludesLeaveOut() {
    byte[] src = Trees.tempDir("count");
    try {
      for (int i = 0; i < 3; i++) Trees.write(Bytes.concat(src, Bytes.of("/f" + i)), "x");
      Trees.mkdirs(Bytes.concat(src, Bytes.of("/cache/deep")));
      Trees.write(Bytes.concat(src, Bytes.of("/cache/deep/x")), "x");
      Trees.mkdirs(Bytes.concat(src, Bytes.of("/d")));
      Trees.write(Bytes.concat(src, Bytes.of("/d/keep")), "x");
      Trees.write(Bytes.concat(src, Bytes.of("/d/skip.tmp")), "x");
      Trees.symlink(Bytes.concat(src, Bytes.of("/link")), Bytes.of("d"));

      ShardPlanner.Dir root = TreeCount.of(src, new Excludes(List.of("/cache/", "*.tmp")), 0);

      // f0 f1 f2 d link, d/keep: the symlink to a directory is an entry, not a directory to enter
      assertThat(root.total()).isEqualTo(6);
      assertThat(root.children()).extracting(c -> Bytes.latin1(c.rel())).containsExactly("d");
    } finally {
      Trees.delete(src);
    }
  }
}
