package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parents of a send's paths go along with it ({@code -R}), with the mode and mtime rsync read
 * when the send started. Sends run side by side, so one that started earlier can end later and set
 * a parent back to the mtime it read before a later send wrote the newer one: the target's
 * directory then keeps an old mtime for good (its own events are long past). This notes, per target,
 * which sends carried which parents, in the order they started; when a send ends after one that
 * started later and carried the same parent, that parent is noted, to be sent again as itself (its
 * claim orders it after every send still running below it). Those go out together, as rsync touches
 * up directory times at the end of a run: once no send runs, or after 10 s, or at 1,000 of them. Each
 * such send claims parents that every send beside it shares (the top directories), so it waits for
 * all that runs and holds back all that comes after: sent at every out-of-order end, or every second,
 * they made a burst's sends go one after another (an untar converged 10 s after tar, not 2-3 s).
 * Forgets what no send still running can be compared with.
 */
final class ParentTimes {
  private static final int PRUNE_ABOVE = 4096;
  private static final int SEND_AT = 1000;
  private static final long SEND_AFTER_NANOS = 10_000_000_000L;

  private long nextSeq;
  private final TreeSet<Long> running = new TreeSet<>();
  /** A parent → the latest start among the ended sends that carried it. */
  private final Map<BytePath, Long> latestEnded = new HashMap<>();
  /** Parents to send again, and since when. */
  private final Set<BytePath> setBack = new LinkedHashSet<>();
  private long setBackSince;

  /** A send starts: its place in the start order. */
  long started() {
    long seq = nextSeq++;
    running.add(seq);
    return seq;
  }

  /** How many sends started so far: the next one's place. */
  long startedSoFar() {
    return nextSeq;
  }

  /** Whether a send is running. */
  boolean anyRunning() {
    return !running.isEmpty();
  }

  /** The send started as {@code seq} ended at {@code nowNanos}: the parents to send again now (often none). */
  List<byte[]> ended(long seq, WorkItem item, long nowNanos) {
    running.remove(seq);
    if (item instanceof WorkItem.Send s) {
      Set<BytePath> seen = new HashSet<>();
      for (byte[] p : s.paths()) {
        for (BytePath parent : BytePath.unsafeWrap(p).ancestors()) {
          if (!seen.add(parent)) break; // and every parent above it: seen too
          Long latest = latestEnded.get(parent);
          if (latest != null && latest > seq) {
            if (setBack.isEmpty()) setBackSince = nowNanos;
            setBack.add(parent);
          } else {
            latestEnded.put(parent, seq);
          }
        }
      }
    }
    if (running.isEmpty()) {
      latestEnded.clear(); // whatever starts next starts after all of these
    } else if (latestEnded.size() > PRUNE_ABOVE) {
      long oldest = running.first(); // a send still running ended after none started before it
      latestEnded.values().removeIf(v -> v < oldest);
    }
    if (setBack.isEmpty() || !running.isEmpty() && setBack.size() < SEND_AT && nowNanos - setBackSince < SEND_AFTER_NANOS) return List.of();
    List<byte[]> now = BytePath.unsafeArrays(setBack);
    setBack.clear();
    return now;
  }
}
