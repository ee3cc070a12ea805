package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a large renamed directory's copy on a daemon is split into parts that run side by side. */
class RenamePartsTest {
  final byte[] dir = Trees.tempDir("rename-parts");

  @AfterEach
  void cleanUp() {
    Trees.delete(dir);
  }

  /** A lopsided tree: one directory holds most of it, one level down it divides. */
  void lopsided() {
    for (int i = 0; i < 3000; i++) Trees.write(at(dir, "huge/x" + i % 6 + "/f" + i), "");
    for (int i = 0; i < 600; i++) Trees.write(at(dir, "mid/f" + i), "");
    for (int i = 0; i < 40; i++) Trees.write(at(dir, "top" + i), "");
    Trees.mkdirs(at(dir, "empty"));
  }

  @Test
  void everyEntryIsInExactlyOnePartOrIsAnOpenedDirectory() {
    lopsided();
    RenameParts plan = RenameParts.plan(dir, 2, 1000);
    assertThat(plan.whole()).isFalse();
    assertThat(plan.entries()).isEqualTo(all().size());
    List<String> covered = new ArrayList<>();
    for (List<byte[]> part : plan.parts()) for (byte[] name : part) covered.addAll(below(Bytes.display(name)));
    for (byte[] d : plan.opened()) covered.add(Bytes.display(d));
    assertThat(covered).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(covered)).isEqualTo(all());
    // huge (3,007 of 3,654 entries) holds more than a half: it is opened, its six directories listed
    assertThat(plan.opened()).extracting(Bytes::display).containsExactly("huge");
  }

  @Test
  void thePartsAreBalancedByEntries() {
    lopsided();
    for (int parallelism : new int[] {2, 3, 4}) {
      RenameParts plan = RenameParts.plan(dir, parallelism, 1000);
      assertThat(plan.parts()).as("parts for %d", parallelism).hasSize(parallelism);
      long share = (plan.entries() + parallelism - 1) / parallelism;
      for (List<byte[]> part : plan.parts()) {
        long n = 0;
        for (byte[] name : part) n += below(Bytes.display(name)).size();
        // the largest item left whole is mid (601 entries) or an x directory (501): a part is off its share by less
        assertThat(n).as("a part of %d", parallelism).isBetween(share - 601, share + 601);
      }
    }
  }

  @Test
  void aSmallTreeOrOneRunAtATimeGoesWhole() {
    lopsided();
    assertThat(RenameParts.plan(dir, 2, 100_000).whole()).isTrue();
    assertThat(RenameParts.plan(dir, 1, 0).whole()).isTrue();
    assertThat(RenameParts.plan(at(dir, "mid"), 2, 0).whole()).as("files only: divided by name").isFalse();
    assertThat(RenameParts.plan(at(dir, "empty"), 2, 0).whole()).isTrue();
  }

  /** Every entry of the tree, relative. */
  private Set<String> all() {
    return new TreeSet<>(walk(Trees.path(dir)).stream().filter(s -> !s.isEmpty()).toList());
  }

  /** {@code rel} and everything below it, relative to the tree. */
  private List<String> below(String rel) {
    return walk(Trees.path(dir).resolve(rel)).stream().map(s -> s.isEmpty() ? rel : rel + "/" + s).toList();
  }

  private static List<String> walk(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
