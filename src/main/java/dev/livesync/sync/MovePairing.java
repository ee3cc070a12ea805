package dev.livesync.sync;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MOVED_FROM events waiting for their MOVED_TO (same cookie). One whose pair did not come in the same
 * or the next read from the kernel, or within 50 ms, went out of the tree: the coalescer makes it a
 * delete.
 */
final class MovePairing {
  /** How long a MOVED_FROM waits for its MOVED_TO at most. */
  static final long WINDOW_NANOS = 50_000_000L;
  // Never compared or hashed: a value of the cookie map, matched by path in takeFrom() itself.
  record MovedFrom(byte[] path, boolean dir, int readNo, long nanos) {}

  private final Map<Integer, MovedFrom> waiting = new HashMap<>();
  private int readNo;

  void from(int cookie, byte[] path, boolean dir, long now) {
    waiting.put(cookie, new MovedFrom(path, dir, readNo, now));
  }

  /** The MOVED_FROM paired with this cookie, or null (an unpaired MOVED_TO). */
  MovedFrom to(int cookie) {
    return waiting.remove(cookie);
  }

  void endOfRead() {
    readNo++;
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** The moves given up as unpaired now (all of them with {@code all}), removed. */
  List<MovedFrom> expire(boolean all, long now) {
    if (waiting.isEmpty()) return List.of();
    List<MovedFrom> gone = new ArrayList<>();
    for (var it = waiting.values().iterator(); it.hasNext(); ) {
      MovedFrom m = it.next();
      if (all || readNo - m.readNo >= 2 || now - m.nanos > WINDOW_NANOS) {
        gone.add(m);
        it.remove();
      }
    }
    return gone;
  }

  /** The waiting move away from {@code path}, removed; null when there is none. */
  MovedFrom takeFrom(byte[] path) {
    for (var it = waiting.values().iterator(); it.hasNext(); ) {
      MovedFrom m = it.next();
      if (java.util.Arrays.equals(m.path, path)) {
        it.remove();
        return m;
      }
    }
    return null;
  }
}
