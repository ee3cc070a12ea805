package dev.livesync.sync;

import dev.livesync.settings.MaxDelete;
import java.util.ArrayDeque;

/**
 * What the deletion guard knows of one target's entries: how many it holds (learned from each dry run
 * of the whole tree, then following what each transfer made and deleted), and its last minute
 * ({@link DeletionGuard#WINDOW_NANOS}) — the deletions let through and the entries live transfers made.
 * Two figures come of them, and the limit is the one against the other:
 *
 * <ul>
 *   <li>what the minute took ({@link #recent}): its deletions of entries the target held before it
 *       (a name made within the minute and deleted again is no loss: {@link RecentNames#lost}), less
 *       the entries made at the new names of renames (a rename loses nothing). Nothing else that was
 *       made pays for a deletion: a copy written before its original was deleted is no rename
 *       (ransomware's write-new-then-delete-old);
 *   <li>what the target held before the minute ({@link #before}): its entries now, less those made in
 *       the minute, plus those deleted in it. The share is taken of that: copies made within the minute
 *       do not dilute it.
 * </ul>
 *
 * What full syncs make is not added to the minute: they fill the target, that is not churn. Not
 * thread-safe: the guard's lock covers it (the count is read without it).
 */
final class DeletionWindow {
  private final Clock clock;
  private final MaxDelete max;
  private final ArrayDeque<long[]> entries = new ArrayDeque<>(); // {nanos, lost, deleted, made, renamed}
  private volatile long targetEntries = -1;

  DeletionWindow(Clock clock, MaxDelete max) {
    this.clock = clock;
    this.max = max;
  }

  /** Deletions let through now: {@code all} of them, {@code lost} of them of entries the target held before the minute. */
  void deleted(long lost, long all) {
    entries.addLast(new long[] {clock.nanos(), lost, all, 0, 0});
  }

  /** Entries live transfers made now: {@code all}, {@code renamed} of them at the new names of renames. */
  void made(long all, long renamed) {
    entries.addLast(new long[] {clock.nanos(), 0, 0, all, renamed});
  }

  /**
   * A transfer's result on the count: it made {@code created} entries and deleted {@code deleted};
   * {@code renamed} of those made at the new names of renames. A full sync's are not added to the minute.
   */
  void transferred(long created, long deleted, long renamed, boolean fullSync) {
    if (targetEntries >= 0) targetEntries = Math.max(0, targetEntries + created - deleted);
    if (created > 0 && !max.off() && !fullSync) made(created, Math.min(created, renamed));
  }

  /** The minute's losses net of the renames' new names, never below zero: what was made does not pay for deletions to come. */
  long recent() {
    long[] sum = sums();
    return Math.max(0, sum[1] - sum[4]);
  }

  /** The entries the target held before the minute's changes ({@code targetEntries} now); -1 when that is not known. */
  long before() {
    long now = targetEntries;
    if (now < 0) return -1;
    long[] sum = sums();
    return Math.max(0, now - sum[3] + sum[2]);
  }

  private long[] sums() {
    long now = clock.nanos();
    while (!entries.isEmpty() && now - entries.peekFirst()[0] > DeletionGuard.WINDOW_NANOS) entries.removeFirst();
    long[] sum = new long[5];
    for (long[] w : entries) for (int i = 1; i < 5; i++) sum[i] += w[i];
    return sum;
  }

  /** Most deletions allowed in the minute: a share of {@link #before}, never below {@link DeletionGuard#MIN_PATHS}; or a number. */
  long limit() {
    long limit = max.limit(before());
    return max.percent() >= 0 ? Math.max(limit, DeletionGuard.MIN_PATHS) : limit;
  }

  /** Whether a loss of {@code net} entries (below zero: a gain) would take the minute over the limit. */
  boolean over(long net) {
    return recent() + net > limit();
  }

  /** The target's entry count now; -1 when not known yet. */
  long targetEntries() {
    return targetEntries;
  }

  void learn(long entries) {
    if (entries >= 0) targetEntries = entries;
  }

  void clear() {
    entries.clear();
  }
}
