package dev.livesync.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where the bench's trees go when a run is over. On a disk file system they are moved aside and
 * deleted when the bench ends, and a bench waits until {@link #QUIET_SECONDS} have passed since the
 * last one's deletions: ext4 does not reuse an inode for 60 s after its deletion (360 s while its
 * inode table block is dirty), and every create scans past each such inode ({@code recently_deleted}),
 * so creating 56,000 files took 1.9 s on a quiet file system, 13.3 and 15.3 s right after deleting as
 * many, 6.6 s five minutes after (2026-12-05, ext4 under /var/tmp): a run right after another
 * measured ext4's cleanup as much as the tool (the outside writer's rate fell from 2,754 to 1,600 and
 * 1,394 files/s over three runs in a row). On tmpfs, which has no inode tables and whose files hold
 * RAM, trees are deleted at once.
 */
final class Trash implements AutoCloseable {
  static final long QUIET_SECONDS = 300;
  private static final String STAMP = "deleted-at";

  private final Path workdir;
  private final PrintStream out;
  private final boolean inMemory;
  private final Path dir;
  private int moved;

  Trash(Path workdir, PrintStream out) throws IOException {
    this.workdir = workdir;
    this.out = out;
    this.inMemory = "tmpfs".equals(Files.getFileStore(workdir).type());
    this.dir = workdir.resolve("trash");
    if (Files.exists(dir)) { // an interrupted bench's
      Bench.deleteTree(dir);
      stamp();
    }
  }

  /** Waits out the quiet time after the last bench's deletions in this work dir (on disk only). */
  void awaitQuiet() throws IOException, InterruptedException {
    long wait = quietIn();
    if (wait <= 0) return;
    out.printf("waiting %d s: the last bench in %s deleted its files less than %d s ago (ext4 scans recently deleted inodes on every create)%n",
        wait, workdir, QUIET_SECONDS);
    Thread.sleep(wait * 1000);
  }

  /** Seconds until the quiet time after the last bench's deletions here is over; 0 or less: it is. */
  long quietIn() throws IOException {
    Path stamp = workdir.resolve(STAMP);
    if (inMemory || !Files.exists(stamp)) return 0;
    return Long.parseLong(Files.readString(stamp).strip()) + QUIET_SECONDS - Instant.now().getEpochSecond();
  }

  /** Deletes {@code tree} now (tmpfs) or moves it aside until {@link #close} (disk). */
  void discard(Path tree) throws IOException {
    if (!Files.exists(tree)) return;
    if (inMemory) {
      Bench.deleteTree(tree);
      return;
    }
    Files.createDirectories(dir);
    Files.move(tree, dir.resolve(Integer.toString(moved++)));
  }

  /** Deletes what was moved aside, and stamps the time for the next bench. */
  @Override
  public void close() throws IOException {
    if (moved == 0) return;
    Bench.deleteTree(dir);
    stamp();
  }

  private void stamp() throws IOException {
    Files.writeString(workdir.resolve(STAMP), Instant.now().getEpochSecond() + "\n");
  }
}
