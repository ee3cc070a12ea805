package dev.livesync.sync;

/**
 * Paths claimed by earlier unfinished items of a target: exact paths and all their ancestors. An
 * item conflicts with the claims when it touches a claimed path, a directory above one or a path
 * below one; a full sync claims (and conflicts with) everything. Built afresh for each look at the
 * queue, so it holds slices of the items' own path arrays ({@link PrefixSet}).
 */
final class PathClaims {
  private final PrefixSet exact = new PrefixSet();
  private final PrefixSet above = new PrefixSet();
  private final PrefixSet.Split split = new PrefixSet.Split();
  private boolean all;

  void add(WorkItem item) {
    if (item instanceof WorkItem.FullSync) {
      all = true;
      return;
    }
    for (byte[] p : item.footprint()) {
      PrefixSet.Split s = split.of(p);
      exact.add(s);
      above.addAncestors(s); // and every one above it
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
      PrefixSet.Split s = split.of(p);
      if (above.contains(s) || exact.holdsAncestorOf(s, true)) return true;
    }
    return false;
  }
}
