package dev.livesync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Trees on disk wait aside until the bench ends; on tmpfs they go at once; the next bench knows when. */
class TrashTest {
  private final PrintStream out = new PrintStream(new ByteArrayOutputStream());

  private static Path tree(Path at) throws IOException {
    Files.createDirectories(at.resolve("d"));
    Files.writeString(at.resolve("d/f"), "x");
    return at;
  }

  /** /var/tmp: on disk where /tmp may be a tmpfs (Debian 13's default). */
  private static Path onDisk() throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "livesync-trash-test");
    org.junit.jupiter.api.Assumptions.assumeFalse("tmpfs".equals(Files.getFileStore(dir).type()), "/var/tmp is a tmpfs here");
    return dir;
  }

  @Test
  void onDiskATreeWaitsAsideUntilTheEndThenTheNextBenchWaitsOutTheQuietTime() throws Exception {
    Path dir = onDisk();
    try {
      Path src = tree(dir.resolve("src"));
      try (Trash trash = new Trash(dir, out)) {
        assertThat(trash.quietIn()).isLessThanOrEqualTo(0);
        trash.discard(src);
        assertThat(src).doesNotExist();
        assertThat(dir.resolve("trash/0/d/f")).hasContent("x");
        trash.discard(dir.resolve("never-made")); // nothing to do
      }
      assertThat(dir.resolve("trash")).doesNotExist();
      try (Trash next = new Trash(dir, out)) {
        assertThat(next.quietIn()).isBetween(Trash.QUIET_SECONDS - 5, Trash.QUIET_SECONDS);
      }
      Files.writeString(dir.resolve("deleted-at"), (java.time.Instant.now().getEpochSecond() - Trash.QUIET_SECONDS) + "\n");
      try (Trash later = new Trash(dir, out)) {
        assertThat(later.quietIn()).isLessThanOrEqualTo(0);
      }
    } finally {
      Bench.deleteTree(dir);
    }
  }

  @Test
  void anInterruptedBenchsTrashIsDeletedAndCountsAsADeletion() throws Exception {
    Path dir = onDisk();
    try {
      tree(dir.resolve("trash/0"));
      try (Trash trash = new Trash(dir, out)) {
        assertThat(dir.resolve("trash")).doesNotExist();
        assertThat(trash.quietIn()).isGreaterThan(Trash.QUIET_SECONDS - 5);
      }
    } finally {
      Bench.deleteTree(dir);
    }
  }

  @Test
  void onTmpfsATreeIsDeletedAtOnceAndNothingWaits() throws Exception {
    Path shm = Path.of("/dev/shm");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type()));
    Path dir = Files.createTempDirectory(shm, "livesync-trash-test");
    try {
      Path src = tree(dir.resolve("src"));
      try (Trash trash = new Trash(dir, out)) {
        trash.discard(src);
        assertThat(src).doesNotExist();
        assertThat(dir.resolve("trash")).doesNotExist();
      }
      assertThat(dir.resolve("deleted-at")).doesNotExist();
    } finally {
      Bench.deleteTree(dir);
    }
  }
}
