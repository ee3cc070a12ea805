package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Paths claimed by earlier unfinished items of a target: exact paths and all their ancestors. An
 * item conflicts with the claims when it touches a claimed path, a directory above one or a path
 * below one; a full sync claims (and conflicts with) everything.
 */
final class PathClaims {
  private final Set<Bytes.Key> exact = new HashSet<>();
  private final Set<Bytes.Key> above = new HashSet<>();
  private boolean all;

  void add(WorkItem item) {
    if (item instanceof WorkItem.FullSync) {
      all = true;
      return;
    }
    for (byte[] p : item.footprint()) {
      exact.add(new Bytes.Key(p));
      for (int i = p.length - 1; i > 0; i--) if (p[i] == '/') above.add(new Bytes.Key(Arrays.copyOf(p, i)));
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
      if (exact.contains(new Bytes.Key(p)) || above.contains(new Bytes.Key(p))) return true;
      for (int i = p.length - 1; i > 0; i--)
        if (p[i] == '/' && exact.contains(new Bytes.Key(Arrays.copyOf(p, i)))) return true;
    }
    return false;
  }
}
