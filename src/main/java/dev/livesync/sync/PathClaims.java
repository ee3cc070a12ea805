package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.HashSet;
import java.util.Set;

/**
 * Paths claimed by earlier unfinished items of a target: exact paths and all their ancestors. An
 * item conflicts with the claims when it touches a claimed path, a directory above one or a path
 * below one; a full sync claims (and conflicts with) everything.
 */
final class PathClaims {
  private final Set<BytePath> exact = new HashSet<>();
  private final Set<BytePath> above = new HashSet<>();
  private boolean all;

  void add(WorkItem item) {
    if (item instanceof WorkItem.FullSync) {
      all = true;
      return;
    }
    for (byte[] p : item.footprint()) {
      BytePath path = BytePath.unsafeWrap(p);
      exact.add(path);
      for (BytePath a : path.ancestors()) if (!above.add(a)) break; // and every one above it: there already
    }
  }

  /** True once a full sync is claimed: nothing after it may start. */
  boolean all() {
    return all;
  }

  boolean conflicts(WorkItem item) {
    if (all) return true;
    if (item instanceof WorkItem.FullSync) return !exact.isEmpty();
    for (byte[] p : item.footprint()) {
      BytePath path = BytePath.unsafeWrap(p);
      if (above.contains(path) || path.isUnderAny(exact, true)) return true;
    }
    return false;
  }
}
