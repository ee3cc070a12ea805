package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a batch gets the other names of its hard-linked files, on real files: found by one walk,
 * remembered (the next change through any name needs none), looked for again only when the link
 * count changed, never for names outside the source, and never for excluded ones.
 */
class HardLinksTest {
  @TempDir Path tmp;

  static WorkItem.Send send(String... paths) {
    return new WorkItem.Send(java.util.Arrays.stream(paths).map(Bytes::of).toList(), false, 0, 0);
  }

  static List<String> names(WorkItem.Send s) {
    return s.paths().stream().map(Bytes::display).toList();
  }

  HardLinks links(Path src, String... excludes) {
    return new HardLinks(Bytes.of(src + "/"), new Excludes(List.of(excludes)));
  }

  @Test
  void aBatchGetsTheOtherNamesFoundByOneWalkAndRemembered() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("d/sub"));
    Files.writeString(src.resolve("d/a"), "one");
    Files.createLink(src.resolve("d/sub/b"), src.resolve("d/a"));
    Files.writeString(src.resolve("plain"), "p");
    HardLinks h = links(src);

    assertThat(names(h.expand(send("plain")))).containsExactly("plain");
    assertThat(h.walks()).isZero();
    assertThat(names(h.expand(send("d/a", "plain")))).containsExactly("d/a", "plain", "d/sub/b");
    assertThat(h.walks()).isEqualTo(1);
    assertThat(names(h.expand(send("d/sub/b")))).containsExactly("d/sub/b", "d/a");
    assertThat(h.walks()).as("known names: no walk").isEqualTo(1);

    Files.createLink(src.resolve("c"), src.resolve("d/a")); // a new link: its event brings c
    assertThat(names(h.expand(send("c")))).containsExactlyInAnyOrder("c", "d/a", "d/sub/b");
    assertThat(h.walks()).as("c was in the batch, so all three names were known").isEqualTo(1);
    Files.delete(src.resolve("d/a"));
    assertThat(names(h.expand(send("c")))).containsExactly("c", "d/sub/b");
    assertThat(h.walks()).isEqualTo(1);
  }

  @Test
  void aWalkThatWouldComeTooSoonIsPutOffAndItsNamesSentWhenItIsDue() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "one");
    Files.createLink(src.resolve("b"), src.resolve("a"));
    HardLinks h = links(src);
    h.noWalkBefore(System.nanoTime() + 3_600_000_000_000L);
    assertThat(names(h.expand(send("a")))).containsExactly("a");
    assertThat(h.due()).as("not yet").isNull();
    assertThat(h.walks()).isZero();
    h.noWalkBefore(System.nanoTime());
    assertThat(names(h.due())).containsExactlyInAnyOrder("a", "b");
    assertThat(h.walks()).isEqualTo(1);
    assertThat(h.due()).as("nothing left").isNull();
  }

  @Test
  void namesOutsideTheSourceAreLookedForOnceAndExcludedNamesNever() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createDirectories(src.resolve("cache"));
    Files.writeString(src.resolve("a"), "one");
    Files.createLink(tmp.resolve("outside"), src.resolve("a"));
    Files.createLink(src.resolve("cache/a"), src.resolve("a"));
    HardLinks h = links(src, "cache/");

    assertThat(names(h.expand(send("a")))).containsExactly("a");
    assertThat(names(h.expand(send("a")))).containsExactly("a");
    assertThat(h.walks()).as("the link count did not change: no second walk").isEqualTo(1);
    Files.createLink(src.resolve("b"), src.resolve("a"));
    h.noWalkBefore(System.nanoTime()); // (walks are spaced by their own duration)
    assertThat(names(h.expand(send("a")))).containsExactly("a", "b");
    assertThat(h.walks()).isEqualTo(2);
  }
}
