package dev.livesync.fs;

import dev.livesync.fs.WatchTable.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Directories a {@link TreeWatcher} could not watch or list because a path was stale (ENOENT,
 * ENOTDIR): a rename of an ancestor not yet read. They are tried again once a rename is read and
 * the paths below it rewritten; forgotten when their parent's watch goes, when their name is deleted
 * or moved away, or when too many wait.
 */
final class UnresolvedDirs {
  /** Bound on what waits (each deleted-before-watched directory stays until its parent goes when DELETE is not in the mask). */
  static final int MAX = 4096;

  /** {@code name == null}: {@code parent} itself is watched but was not listed. */
  // Never compared or hashed: forget() matches parent and name itself.
  record Dir(Node parent, byte[] name) {}

  private final ArrayDeque<Dir> waiting = new ArrayDeque<>();

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  void remember(Dir d) {
    if (waiting.size() >= MAX) waiting.pollFirst();
    waiting.addLast(d);
  }

  /** {@code name} in {@code parent} was deleted or moved away: no longer waited for. */
  void forget(Node parent, byte[] name) {
    waiting.removeIf(u -> u.parent == parent && u.name != null && Arrays.equals(u.name, name));
  }

  /**
   * Takes out what waits at or below {@code top} (whose paths were just rewritten), to be tried
   * again; drops what waits under a node that lost its watch (whatever rewatches that covers it).
   */
  List<Dir> takeAtOrBelow(Node top, WatchTable table) {
    List<Dir> again = new ArrayList<>();
    if (waiting.isEmpty()) return again;
    for (var it = waiting.iterator(); it.hasNext(); ) {
      Dir u = it.next();
      if (!table.holds(u.parent)) {
        it.remove();
      } else if (u.parent.isAtOrBelow(top)) {
        it.remove();
        again.add(u);
      }
    }
    return again;
  }
}
