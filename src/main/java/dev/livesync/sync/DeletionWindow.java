package dev.livesync.sync;

import java.util.ArrayDeque;

/**
 * The deletion guard's last minute ({@link DeletionGuard#WINDOW_NANOS}): the deletions it let through,
 * less the entries made on the target in that minute. A tree that makes and removes as many files
 * (temporary files, a spool, renames on a daemon target) loses none, an emptied one loses them all.
 * What full syncs make is not added: they fill the target, that is not churn. Not thread-safe: the
 * guard's lock covers it.
 */
final class DeletionWindow {
  private final Clock clock;
  private final ArrayDeque<long[]> entries = new ArrayDeque<>(); // {nanos, deletions, copied}

  DeletionWindow(Clock clock) {
    this.clock = clock;
  }

  /** Deletions let through now. */
  void deleted(long paths) {
    entries.addLast(new long[] {clock.nanos(), paths, 0});
  }

  /** Entries made on the target now: they offset the minute's deletions. */
  void created(long entries) {
    deleted(-entries);
  }

  /**
   * Entries a copy made on the target now: a directory renamed at the source, made at its new name
   * from its old copy ({@code --link-dest}). They stand for the deletion of the old name to come, so
   * unlike other creations they may take the minute below zero.
   */
  void copied(long entries) {
    this.entries.addLast(new long[] {clock.nanos(), 0, entries});
  }

  /**
   * The minute's deletions net of its creations (never below zero: what was made does not pay for
   * deletions to come), less what copies made (which may take it below zero: it does pay for the
   * deletion of the old names).
   */
  long recent() {
    long now = clock.nanos();
    while (!entries.isEmpty() && now - entries.peekFirst()[0] > DeletionGuard.WINDOW_NANOS) entries.removeFirst();
    long sum = 0, copied = 0;
    for (long[] w : entries) {
      sum += w[1];
      copied += w[2];
    }
    return Math.max(0, sum) - copied;
  }

  void clear() {
    entries.clear();
  }
}
