package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A directory renamed at the source, on a target that can only copy (an rsync daemon): the new name
 * is made from the old copy there ({@link Transport#rename}: {@code --link-dest}, nothing sent but
 * what changed), then the old name is deleted, in one step. The target never holds both names for
 * longer than this step, so the mass-deletion guard, which keeps its whole-tree judgements out of it,
 * never sees a renamed tree as the loss of its old name; and the batch after the rename finds nothing
 * left to do at either name. A copy that stopped part-way because the new name left the source
 * meanwhile (renamed on, deleted) has its part removed again: it is not the source's.
 *
 * <p>Also remembers, for a minute, the names it deleted at the target: a batch whose only paths gone
 * from the source are those can be sent without a dry run first ({@link #goneAtTarget}).
 */
final class RenameByCopy {
  /** {@code copied}: the new name was made; {@code deleted}: the entries deleted at the old name. */
  record Done(boolean copied, long deleted) {}

  private final Transport inner;
  private final Batcher.SizeProbe source;
  private final Clock clock;
  private final Map<BytePath, Long> gone = new HashMap<>();
  /** Whole-tree dry runs hold it to read ({@link #outside}); a rename to write. */
  private final ReentrantReadWriteLock copying = new ReentrantReadWriteLock();

  /** What a dry run does, of the whole tree: it may fail, and may be interrupted. */
  interface Preview<T> {
    T run() throws InterruptedException;
  }

  RenameByCopy(Transport inner, Batcher.SizeProbe source, Clock clock) {
    this.inner = inner;
    this.source = source;
    this.clock = clock;
  }

  /** {@code mayDelete}: false while the guard holds deletions (the old name then stays, as any deletion would). */
  Done run(byte[] from, byte[] to, boolean mayDelete) throws InterruptedException {
    copying.writeLock().lockInterruptibly();
    try {
      return copyThenDelete(from, to, mayDelete);
    } finally {
      copying.writeLock().unlock();
    }
  }

  /** Runs {@code preview} while no rename has the target hold both names of a directory. */
  <T> T outside(Preview<T> preview) throws InterruptedException {
    copying.readLock().lockInterruptibly();
    try {
      return preview.run();
    } finally {
      copying.readLock().unlock();
    }
  }

  private Done copyThenDelete(byte[] from, byte[] to, boolean mayDelete) throws InterruptedException {
    boolean wasThere = source.size(to) >= 0;
    boolean ok = inner.rename(from, to);
    if (!ok) {
      // only a copy that ran can have left a part behind: the new name was at the source, and is gone now
      if (wasThere && mayDelete && source.size(to) < 0 && inner.send(List.of(to), false, -1).outcome() == TransferResult.Outcome.OK) {
        remember(to);
      }
      return new Done(false, 0);
    }
    if (!mayDelete || source.size(from) >= 0) return new Done(true, 0); // back at the source: the batch reconciles it
    TransferResult r = inner.send(List.of(from), false, -1);
    if (r.outcome() != TransferResult.Outcome.OK) return new Done(true, 0);
    remember(from);
    return new Done(true, r.deleted());
  }

  private synchronized void remember(byte[] path) {
    long now = clock.nanos();
    gone.values().removeIf(t -> now - t > DeletionGuard.WINDOW_NANOS);
    gone.put(BytePath.unsafeWrap(path), now);
  }

  /**
   * Whether {@code path}, gone from the source, was deleted at the target by a rename in the last
   * minute (it or a directory above it). Only a hint for choosing the cheaper send: a send trusting it
   * still deletes nothing ({@code --max-delete=0}) and is judged after all if rsync finds anything to delete.
   */
  synchronized boolean goneAtTarget(byte[] path) {
    if (gone.isEmpty()) return false;
    long now = clock.nanos();
    gone.values().removeIf(t -> now - t > DeletionGuard.WINDOW_NANOS);
    return BytePath.unsafeWrap(path).isUnderAny(gone.keySet(), true);
  }
}
