package dev.livesync.sync;

import java.util.ArrayDeque;

/**
 * The deletion guard's last minute ({@link DeletionGuard#WINDOW_NANOS}): the deletions it let through,
 * less the entries made on the target in that minute. A tree that makes and removes as many files
 * (temporary files, a spool) loses none, an emptied one loses them all.
 * What full syncs make is not added: they fill the target, that is not churn. Not thread-safe: the
 * guard's lock covers it.
 */
final class DeletionWindow {
  private final Clock clock;
  private final ArrayDeque<long[]> entries = new ArrayDeque<>(); // {nanos, deletions}

  DeletionWindow(Clock clock) {
    this.clock = clock;
  }

  /** Deletions let through now. */
  void deleted(long paths) {
    entries.addLast(new long[] {clock.nanos(), paths});
  }

  /** Entries made on the target now: they offset the minute's deletions. */
  void created(long entries) {
    deleted(-entries);
  }

  /** The minute's deletions net of its creations, never below zero: what was made does not pay for deletions to come. */
  long recent() {
    long now = clock.nanos();
    while (!entries.isEmpty() && now - entries.peekFirst()[0] > DeletionGuard.WINDOW_NANOS) entries.removeFirst();
    long sum = 0;
    for (long[] w : entries) sum += w[1];
    return Math.max(0, sum);
  }

  void clear() {
    entries.clear();
  }
}
