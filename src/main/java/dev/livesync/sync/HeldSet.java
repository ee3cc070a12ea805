package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The paths whose deletion the {@link DeletionGuard} holds, saved to its {@link HeldDeletions} file on
 * every change, with their number readable without the guard's lock. Not thread-safe otherwise: the
 * guard's lock covers it.
 */
final class HeldSet {
  private final Set<BytePath> held = new LinkedHashSet<>();
  private final HeldDeletions store;
  private volatile int count;

  HeldSet(HeldDeletions store, Collection<BytePath> initial) {
    this.store = store;
    held.addAll(initial);
    count = held.size();
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  int size() {
    return held.size();
  }

  /** The number held, read without the lock. */
  int count() {
    return count;
  }

  Collection<BytePath> paths() {
    return held;
  }

  void addAll(List<byte[]> paths) {
    if (held.addAll(keys(paths))) changed();
  }

  /** Keeps only {@code paths} (a whole tree's deletions: what it does not list is no longer one). */
  void retainAll(List<byte[]> paths) {
    if (held.retainAll(keys(paths))) changed();
  }

  /** How many were dropped. */
  int removeIf(Predicate<byte[]> gone) {
    int before = held.size();
    if (held.removeIf(p -> gone.test(p.unsafeArray()))) changed();
    return before - held.size();
  }

  void clear() {
    held.clear();
    changed();
  }

  private void changed() {
    count = held.size();
    store.save(held);
  }

  private static Set<BytePath> keys(List<byte[]> paths) {
    return new LinkedHashSet<>(BytePath.unsafeWrapAll(paths));
  }
}
