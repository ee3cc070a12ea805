package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The directories of one drain of ready paths ({@link Batcher#poll}) that go right before the first
 * later path below them, so that both land in the same batch, which then leaves the directory out
 * and carries it as that path's parent (mode and mtime included). Cut where they stood, a new
 * directory ended one batch and its first files began the next: the second batch had to wait for
 * the first ({@link PathClaims}: a path below a claimed directory), and after a fast {@code tar x}
 * the last batches of the catch-up ran one at a time, each waiting for the one before.
 */
final class DirsBeside {
  private final boolean[] moved;
  private final Map<Integer, List<Integer>> before;

  private DirsBeside(boolean[] moved, Map<Integer, List<Integer>> before) {
    this.moved = moved;
    this.before = before;
  }

  /**
   * For the entries of a drain, which are directories sent as themselves and which go into a plain
   * batch (not a tree, not a large file alone, not an attribute-only file): null when no such
   * directory has a later path below it in a plain batch.
   */
  static DirsBeside of(List<Coalescer.Entry> ready, boolean[] dir, boolean[] inPlain) {
    Map<BytePath, Integer> dirAt = null;
    for (int i = 0; i < ready.size(); i++) {
      if (dir[i]) {
        if (dirAt == null) dirAt = new HashMap<>();
        dirAt.put(BytePath.unsafeWrap(ready.get(i).path()), i);
      }
    }
    if (dirAt == null) return null;
    boolean[] moved = new boolean[ready.size()];
    Map<Integer, List<Integer>> before = new HashMap<>();
    for (int j = 0; j < ready.size(); j++) {
      if (!inPlain[j]) continue;
      for (BytePath a : BytePath.unsafeWrap(ready.get(j).path()).ancestors()) {
        Integer d = dirAt.get(a);
        if (d == null || d >= j || moved[d]) continue;
        moved[d] = true;
        List<Integer> ds = before.computeIfAbsent(j, k -> new ArrayList<>());
        ds.add(d);
        List<Integer> carried = before.remove(d); // the directories that went before d (a directory itself) go on with it
        if (carried != null) ds.addAll(carried);
      }
    }
    if (before.isEmpty()) return null;
    for (List<Integer> ds : before.values()) ds.sort(null); // in drain order: a directory before those inside it
    return new DirsBeside(moved, before);
  }

  /** Whether entry {@code i} goes elsewhere: before a later path below it. */
  boolean moved(int i) {
    return moved[i];
  }

  /** The directories that go right before entry {@code j}, in drain order (empty for most). */
  List<Integer> before(int j) {
    return before.getOrDefault(j, List.of());
  }
}
