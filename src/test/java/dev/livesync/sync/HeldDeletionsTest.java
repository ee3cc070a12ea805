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

/** The held deletions' file: any byte name round-trips, nothing held leaves no file, a foreign file is refused in one line. */
class HeldDeletionsTest {
  @TempDir Path tmp;

  @Test
  void namesOfAnyBytesComeBackInOrder() {
    var store = new HeldDeletions(tmp.resolve("state/target-0-x.held"));
    assertThat(store.load()).isEmpty();
    Set<BytePath> held = new LinkedHashSet<>();
    for (byte[] name : List.of(Bytes.of("d1"), Bytes.of("d1/a b.txt"), new byte[] {'l', 'i', 'n', 'e', '\n', 'x'}, new byte[] {(byte) 0xff, (byte) 0xfe, '/', 'z'}))
      held.add(BytePath.of(name));
    store.save(held);
    assertThat(new HeldDeletions(store.file()).load()).containsExactlyElementsOf(held);
    store.save(Set.of());
    assertThat(store.file()).doesNotExist();
    assertThat(store.load()).isEmpty();
  }

  @Test
  void aFileNotInItsFormatIsRefused() throws Exception {
    Path f = Files.writeString(tmp.resolve("target-0-x.held"), "something else\n");
    assertThatThrownBy(() -> new HeldDeletions(f).load()).isInstanceOf(LivesyncException.class)
        .hasMessageContaining("not in livesync's format").hasMessageContaining(f.toString());
  }
}
