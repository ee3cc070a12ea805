package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Errno;
import dev.livesync.fs.NativeException;
import org.junit.jupiter.api.Test;

/**
 * Directories that could not be watched follow a rename within the tree (a MOVED_FROM paired with its
 * MOVED_TO), and a move away whose other half does not come in the coalescer's window left the tree:
 * it is forgotten, not held for the rest of the run.
 */
class UnwatchedDirsTest {
  private final FakeClock clock = new FakeClock();
  private final UnwatchedDirs dirs = new UnwatchedDirs(false, clock);

  private void unwatchable(String dir) {
    dirs.add(Bytes.of(dir), new NativeException("inotify_add_watch", Errno.ENOSPC, Bytes.of(dir)));
  }

  @Test
  void aRenameWithinTheTreeKeepsWhatIsNotWatchedUnderTheNewName() {
    unwatchable("/src/a");
    unwatchable("/src/a/b");
    dirs.movedFrom(7, Bytes.of("/src/a"));
    assertThat(dirs.count()).isZero();
    clock.advanceMillis(10);
    dirs.movedTo(7, Bytes.of("/src/c"));
    assertThat(dirs.count()).isEqualTo(2);
    assertThat(dirs.first()).contains("/src/c");
    assertThat(dirs.away()).isZero();
  }

  @Test
  void aMoveAwayWhoseOtherHalfDoesNotComeInTimeIsForgotten() {
    unwatchable("/src/a");
    unwatchable("/src/a/b");
    dirs.movedFrom(7, Bytes.of("/src/a"));
    assertThat(dirs.away()).isEqualTo(1);
    clock.advanceMillis(MovePairing.WINDOW_NANOS / 1_000_000 + 1);
    assertThat(dirs.count()).as("what moved out of the tree").isZero();
    assertThat(dirs.away()).as("no move away held after its window").isZero();
    dirs.movedTo(7, Bytes.of("/src/c")); // too late: the coalescer took it for a directory come from outside
    assertThat(dirs.count()).isZero();
  }

  @Test
  void manyMovesOutOfTheTreeLeaveNothingHeld() {
    for (int i = 0; i < 1000; i++) {
      unwatchable("/src/d" + i);
      dirs.movedFrom(100 + i, Bytes.of("/src/d" + i));
      clock.advanceMillis(1);
    }
    clock.advanceMillis(1000);
    assertThat(dirs.count()).isZero();
    assertThat(dirs.away()).isZero();
  }
}
