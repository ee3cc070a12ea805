package dev.livesync.sync;

import java.util.Arrays;
import java.util.List;

/**
 * What the mass-deletion guard needs to know of the source's recent past, from its events: the names
 * made there in about the last minute (a CREATE, or a name moved in from outside the tree) where
 * nothing the target had was before, and the new names of renames (a paired MOVED_FROM/MOVED_TO) of
 * about the last ten minutes.
 *
 * <ul>
 *   <li>A deletion of a name made within the minute takes nothing from what the target held before
 *       it: temporary files, a spool, a build's objects come and go, and their deletions are not
 *       counted ({@link #lost}). Nor of what lies in a directory made within the minute, unless it
 *       came there by a rename; a name made within the minute and renamed is still one made.
 *   <li>A name made again where one the target had was deleted or moved away ({@link #gone}) is no
 *       new name, nor is what lies below it: {@code tar x} unlinks each file it writes over, a
 *       directory replaced by a symlink or a file is deleted whole at the target. Nor is a name known
 *       to be at the target ({@link #atTarget}: a held deletion whose file came back). What was made
 *       within the minute and is deleted and made again (a temporary file, a build's objects) stays new.
 *   <li>An entry made at a rename's new name, or below it, is what the old name held: it makes up for
 *       the old name's deletion ({@link #renamed}). Any other entry made does not: a copy written under
 *       a new name before its original was deleted — ransomware's encrypted copy, {@code gzip}'s
 *       {@code .gz} — adds to the target, it does not give back what the deletion takes.
 * </ul>
 *
 * Kept as time-bucketed Bloom filters of the names' hashes: a fixed memory (at most 1 MiB for the
 * names made, allocated only once names are made, as much for the names replaced; about 350 KiB for
 * renames) whatever the rate, with false
 * positives of well under 1% at 3,000 names made a second. A false positive of the names made errs
 * towards fewer deletions counted, one of the names replaced towards more. The loop thread records, the guards' workers ask.
 */
final class RecentNames {
  /** How long a name made counts as new: the guard's minute (a bucket more: between 60 and 70 s). */
  static final long MADE_BUCKET_NANOS = 10_000_000_000L;
  static final int MADE_BUCKETS = 7;
  /** How long a rename's new name makes up for its old name: a target down for minutes still catches up with a rename. */
  static final long RENAMED_BUCKET_NANOS = 60_000_000_000L;
  static final int RENAMED_BUCKETS = 11;

  private final Clock clock;
  private final Filter made = new Filter(MADE_BUCKET_NANOS, MADE_BUCKETS, 20);
  private final Filter renamed = new Filter(RENAMED_BUCKET_NANOS, RENAMED_BUCKETS, 18);
  /** Names the target has had, gone at the source lately: made again, not new. A bucket longer than {@link #made}'s. */
  private final Filter replaced = new Filter(MADE_BUCKET_NANOS, MADE_BUCKETS + 1, 20);

  RecentNames(Clock clock) {
    this.clock = clock;
  }

  /** {@code rel} was made at the source now (created, or moved in from outside the tree): new, unless it replaces a name the target had. */
  synchronized void made(byte[] rel) {
    long now = clock.nanos(), h = hash(rel, rel.length);
    if (!replaced.mightContain(now, h)) made.add(now, h);
  }

  /**
   * {@code rel} was deleted or moved away at the source now. Unless it was new itself (made within
   * the minute), the target has it: a name made there again replaces it, and is not new.
   */
  synchronized void gone(byte[] rel) {
    long now = clock.nanos();
    if (!madeLately(now, rel)) replaced.add(now, hash(rel, rel.length));
  }

  /** {@code rel} is at the target now (a held deletion whose file came back at the source): not new, whatever the events said. */
  synchronized void atTarget(byte[] rel) {
    replaced.add(clock.nanos(), hash(rel, rel.length));
  }

  /** {@code rel} is the new name of a rename at the source now. */
  synchronized void renamedTo(byte[] rel) {
    renamed.add(clock.nanos(), hash(rel, rel.length));
  }

  /**
   * A name that arrived by MOVED_TO: renamed from {@code from} within the tree, or moved in from
   * outside it ({@code from} null: made). A rename of a name made within the minute makes its new name.
   */
  synchronized void moved(byte[] from, byte[] to) {
    long now = clock.nanos(), h = hash(to, to.length);
    if (from != null && !madeLately(now, from)) renamed.add(now, h);
    else if (!replaced.mightContain(now, h)) made.add(now, h);
  }

  /** How many of {@code deletions} take from what the target held a minute ago: those not made within it. */
  synchronized long lost(List<byte[]> deletions) {
    long now = clock.nanos();
    if (made.empty(now)) return deletions.size();
    long n = 0;
    for (byte[] d : deletions) if (!madeLately(now, d)) n++;
    return n;
  }

  /**
   * {@code rel}, or the nearest directory above it that was made, replaced or renamed to lately, was
   * made within the minute (a name that replaced one the target had was not).
   */
  private boolean madeLately(long now, byte[] rel) {
    for (int end = rel.length; end > 0; end = lastSlash(rel, end)) {
      long h = hash(rel, end);
      if (replaced.mightContain(now, h)) return false; // the target had that name: what is below it may be old
      if (made.mightContain(now, h)) return true;
      if (renamed.mightContain(now, h)) return false; // it came here by a rename: not made here
    }
    return false;
  }

  private static int lastSlash(byte[] b, int end) {
    for (int i = end - 1; i > 0; i--) if (b[i] == '/') return i;
    return 0;
  }

  /** Whether {@code rel} is the new name of a recent rename, or lies below one. */
  synchronized boolean renamed(byte[] rel) {
    long now = clock.nanos();
    if (renamed.empty(now)) return false;
    for (int i = 0; i <= rel.length; i++) {
      if ((i == rel.length || rel[i] == '/') && i > 0 && renamed.mightContain(now, hash(rel, i))) return true;
    }
    return false;
  }

  /** FNV-1a over the first {@code len} bytes, then mixed (splitmix64's finaliser). */
  private static long hash(byte[] b, int len) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < len; i++) h = (h ^ (b[i] & 0xff)) * 0x100000001b3L;
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /** A Bloom filter per time bucket; a bucket older than {@code buckets - 1} buckets back is cleared for reuse. */
  private static final class Filter {
    private static final int HASHES = 3;
    private final long bucketNanos;
    private final long[][] bits;
    private final long[] epochs;
    private final int mask;

    Filter(long bucketNanos, int buckets, int log2Bits) {
      this.bucketNanos = bucketNanos;
      this.bits = new long[buckets][];
      this.epochs = new long[buckets];
      Arrays.fill(epochs, Long.MIN_VALUE);
      this.mask = (1 << log2Bits) - 1;
    }

    private long epoch(long now) {
      return Math.floorDiv(now, bucketNanos);
    }

    private boolean live(int i, long now) {
      return epochs[i] != Long.MIN_VALUE && epoch(now) - epochs[i] < bits.length;
    }

    void add(long now, long h) {
      long e = epoch(now);
      int i = (int) Math.floorMod(e, (long) bits.length);
      if (epochs[i] != e) {
        if (bits[i] == null) bits[i] = new long[(mask + 1) / 64];
        else Arrays.fill(bits[i], 0);
        epochs[i] = e;
      }
      long[] set = bits[i];
      for (int k = 0; k < HASHES; k++) {
        int bit = index(h, k);
        set[bit >>> 6] |= 1L << bit;
      }
    }

    boolean mightContain(long now, long h) {
      for (int i = 0; i < bits.length; i++) {
        if (!live(i, now)) continue;
        boolean all = true;
        for (int k = 0; k < HASHES && all; k++) {
          int bit = index(h, k);
          all = (bits[i][bit >>> 6] & (1L << bit)) != 0;
        }
        if (all) return true;
      }
      return false;
    }

    boolean empty(long now) {
      for (int i = 0; i < bits.length; i++) if (live(i, now)) return false;
      return true;
    }

    private int index(long h, int k) {
      return (int) ((h + k * ((h >>> 32) | 1)) & mask);
    }
  }
}
