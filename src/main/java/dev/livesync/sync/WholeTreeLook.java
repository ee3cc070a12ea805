package dev.livesync.sync;

import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.TransportException;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mass-deletion guard's look at the whole tree when a send's deletions come near its limit: a dry
 * run of a full sync, which says what the source has lost in all — the target's entries it would
 * delete, less those it would make at the new names of renames ({@link #net}). A directory renamed at
 * the source and not yet renamed at the target loses nothing there: its old name goes, its new name
 * comes. A copy written under a new name before its original went gives nothing back.
 *
 * <p>A tree that moves while rsync lists it can give a look that is wrong in either way: rsync stops
 * with 24 when a directory it listed has vanished when it goes in, and a directory renamed between
 * the reading of its parent and of the next can be missed under both names — it then looks lost. So:
 * a look that failed because the source moved is not taken as "nothing known" (which judged the batch
 * alone, and held the deletions of every rename in it) but keeps the send's deletions back (the
 * rest of the send goes, they go again after its backoff: {@link WithoutDeletions}) for as long as
 * the source has not stood still for one look in {@link #MOVING_MAX_NANOS}; and a look that would
 * hold deletions is taken again, the smaller loss counting: an {@code rm -rf} shows in both.
 */
final class WholeTreeLook {
  private static final Logger log = LoggerFactory.getLogger(WholeTreeLook.class);
  /**
   * Past this much time without a look that ended cleanly (the source moving under every one), a
   * batch is judged alone. Long: a heavy storm of directory renames fails look after look while it
   * lasts (in the reliability suite's full-size load, 100 a second, a daemon target's failed without a
   * break for 40 s), and a batch judged alone is held when it deletes a renamed tree's old name, which
   * then takes an operator; a batch that waits costs nothing but its deletions' delay.
   */
  static final long MOVING_MAX_NANOS = 600_000_000_000L;
  /** The pause before a look that would hold deletions is taken again. */
  static final long AGAIN_MILLIS = 200;

  private final RenameByCopy.Preview<DeletionPreview> dryRun;
  private final ToLongFunction<DeletionPreview> loss;
  private final Clock clock;
  private final String target;
  /** After a look the source moved under, no new one for this many times its length. */
  static final long PAUSE_FACTOR = 2;
  private long movingSince = Long.MIN_VALUE; // these three under the guard's judging lock
  private TransportException lastMoved;
  private long pauseUntil;

  /**
   * {@code loss}: what a look says the source has lost — its deletions that an operator did not
   * release (it ends a release it no longer lists) and that take from what the target held, less what
   * it makes at the new names of renames.
   */
  WholeTreeLook(RenameByCopy.Preview<DeletionPreview> dryRun, ToLongFunction<DeletionPreview> loss, Clock clock, String target) {
    this.dryRun = dryRun;
    this.loss = loss;
    this.clock = clock;
    this.target = target;
  }

  /**
   * A look; null when it failed for another reason than the source moving, or when the source has
   * moved under every look for {@link #MOVING_MAX_NANOS} (the caller then judges the batch alone).
   * Throws the look's failure when the source moved under it: the send cannot be judged now. After
   * such a failure, for {@link #PAUSE_FACTOR} times as long as that look took, no new look is taken
   * and that failure stands: while a storm of renames lasts every look fails, and on a large tree
   * each costs seconds of CPU that the sends need.
   */
  DeletionPreview look() throws InterruptedException {
    long start = clock.nanos();
    TransportException failed;
    if (lastMoved != null && start - pauseUntil < 0) {
      failed = lastMoved;
    } else {
      try {
        DeletionPreview p = dryRun.run();
        movingSince = Long.MIN_VALUE;
        lastMoved = null;
        if (p != null && log.isDebugEnabled()) {
          log.debug("{}: the whole tree would delete {} and make {} of {} entries", target, p.deletions().size(), p.created(), p.targetEntries());
        }
        return p;
      } catch (TransportException e) {
        failed = e;
      }
    }
    long now = clock.nanos();
    boolean moved = failed.result().exitCode() == 24;
    if (moved && movingSince == Long.MIN_VALUE) movingSince = now;
    if (moved && failed != lastMoved) {
      lastMoved = failed;
      pauseUntil = now + PAUSE_FACTOR * (now - start);
    }
    if (moved && now - movingSince < MOVING_MAX_NANOS) {
      log.debug("{}: the source moved under the look at the whole tree; the batch's deletions go again: {}", target, failed.getMessage());
      throw failed;
    }
    log.debug("{}: dry run of the whole tree failed: {}", target, failed.getMessage());
    return null;
  }

  /** A look that would hold deletions, taken again: the one that loses less (a rename raced the first). */
  DeletionPreview again(DeletionPreview first) throws InterruptedException {
    Thread.sleep(AGAIN_MILLIS);
    DeletionPreview second;
    try {
      second = look();
    } catch (TransportException e) {
      return first; // the source moves on: the first stands
    }
    return second != null && net(second) < net(first) ? second : first;
  }

  /** What the source has lost in all; below zero when more is on its way under renames' new names. */
  long net(DeletionPreview whole) {
    return loss.applyAsLong(whole);
  }

  /** {@link #net}, never below zero. */
  long lost(DeletionPreview whole) {
    return Math.max(0, net(whole));
  }
}
