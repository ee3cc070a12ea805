package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The released deletions' file beside the held one: a release survives a new ReleasedDeletions (a
 * restart), covers exactly the released paths (not a new one under a released directory), and its
 * file goes once carried out, once a whole-tree dry run no longer lists them, or under --max-delete off.
 */
class ReleasedDeletionsTest {
  @TempDir Path tmp;

  private static Set<BytePath> keys(String... paths) {
    Set<BytePath> out = new LinkedHashSet<>();
    for (String p : paths) out.add(BytePath.of(p));
    return out;
  }

  private static List<String> names(List<byte[]> paths) {
    return paths.stream().map(Bytes::latin1).toList();
  }

  @Test
  void aReleaseIsKeptBesideTheHeldFileUntilCarriedOut() {
    var held = new HeldDeletions(tmp.resolve("state/target-0-x.held"));
    var store = held.released();
    assertThat(store.file()).isEqualTo(tmp.resolve("state/target-0-x.released"));
    var released = new ReleasedDeletions(store, false);
    released.add(keys("d1", "d1/a", "d1/s", "d1/s/b", "c.txt"));
    assertThat(store.file()).exists();

    var again = new ReleasedDeletions(held.released(), false); // a restart
    assertThat(again.size()).isEqualTo(5);
    assertThat(names(again.top())).containsExactly("d1", "c.txt");
    List<byte[]> deletions = List.of(Bytes.of("d1/a"), Bytes.of("d1/new"), Bytes.of("c.txt"), Bytes.of("e"));
    assertThat(names(again.notReleased(deletions))).as("a deletion not released is judged afresh").containsExactly("d1/new", "e");

    again.keepListed(List.of(Bytes.of("d1"), Bytes.of("d1/a"), Bytes.of("d1/s"), Bytes.of("d1/s/b"))); // c.txt: gone or back
    assertThat(names(new ReleasedDeletions(held.released(), false).top())).containsExactly("d1");
    again.carriedOut();
    assertThat(store.file()).doesNotExist();
    assertThat(new ReleasedDeletions(held.released(), false).isEmpty()).isTrue();
  }

  @Test
  void maxDeleteOffDropsTheFileAndAHeldFileIsNotTakenForOne() throws Exception {
    var held = new HeldDeletions(tmp.resolve("target-0-x.held"));
    new ReleasedDeletions(held.released(), false).add(keys("d1"));
    assertThat(new ReleasedDeletions(held.released(), true).isEmpty()).isTrue();
    assertThat(held.released().file()).doesNotExist();

    held.save(keys("d2"));
    Files.copy(held.file(), held.released().file());
    assertThatThrownBy(() -> new ReleasedDeletions(held.released(), false)).isInstanceOf(LivesyncException.class)
        .hasMessageContaining("released deletions").hasMessageContaining("not in livesync's format");
  }
}
