package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a renamed directory is heavy enough for a daemon to make it from its old copy. */
class TreeWeightTest {
  final byte[] dir = Trees.tempDir("tree-weight");

  @AfterEach
  void cleanUp() {
    Trees.delete(dir);
  }

  @Test
  void entriesAreCountedAcrossSubdirectories() {
    for (int i = 0; i < 998; i++) Trees.write(at(dir, "a/b" + i % 7 + "/f" + i), "");
    // 998 files and 8 directories (a, b0..b6) but the top: 1,006 entries
    assertThat(TreeWeight.atLeast(dir, Long.MAX_VALUE, 1006)).isTrue();
    assertThat(TreeWeight.atLeast(dir, Long.MAX_VALUE, 1007)).isFalse();
  }

  @Test
  void bytesAreThoseOfRegularFilesOnly() throws Exception {
    Trees.write(at(dir, "x/one"), "12345");
    Trees.write(at(dir, "two"), "678");
    java.nio.file.Files.createSymbolicLink(Trees.path(at(dir, "link")), java.nio.file.Path.of("a-rather-long-target-name"));
    assertThat(TreeWeight.atLeast(dir, 8, Long.MAX_VALUE)).isTrue();
    assertThat(TreeWeight.atLeast(dir, 9, Long.MAX_VALUE)).isFalse();
  }

  @Test
  void aDaemonCopiesOnlyADirectoryHeavyEnough() {
    for (int i = 0; i < 10; i++) Trees.write(at(dir, "small/f" + i), "small file " + i);
    Trees.write(at(dir, "big/f"), new byte[(int) DaemonKind.COPY_MIN_BYTES]);
    assertThat(TreeWeight.atLeast(at(dir, "small"), DaemonKind.COPY_MIN_BYTES, DaemonKind.COPY_MIN_ENTRIES)).isFalse();
    assertThat(TreeWeight.atLeast(at(dir, "big"), DaemonKind.COPY_MIN_BYTES, DaemonKind.COPY_MIN_ENTRIES)).isTrue();
  }
}
