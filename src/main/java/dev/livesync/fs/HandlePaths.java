package dev.livesync.fs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Directory file handles → their paths (real, no trailing slash), resolved with open_by_handle_at
 * through a mount descriptor and cached. A directory renamed or deleted drops its entry and every
 * entry below it (a sorted map finds them by path prefix), so the next event there resolves afresh.
 * The cache is bounded: past {@link #MAX} entries it starts over.
 *
 * <p>A filesystem mark reports every directory of the filesystem, most of them outside the watched
 * trees (a local target on the same filesystem: a first full sync makes a million directories there,
 * each with its events). Those go to a small cache of their own, {@link #MAX_ELSEWHERE} entries,
 * which keeps the handles of the few directories being written in now: a cache of every directory
 * seen would hold hundreds of thousands of dead entries until it starts over, long enough for the
 * collector to move them to the old generation and grow the heap for them. Any directory renamed or
 * deleted empties it (it has no path index; being small, it refills at once).
 */
final class HandlePaths {
  static final int MAX = 1 << 16;
  static final int MAX_ELSEWHERE = 1 << 8;

  private final int mountFd;
  private final Predicate<byte[]> watched;
  private final Map<Fanotify.Handle, byte[]> elsewhere = new HashMap<>();
  private final Map<Fanotify.Handle, byte[]> byHandle = new HashMap<>();
  private final TreeMap<byte[], Fanotify.Handle> byPath = new TreeMap<>(Arrays::compareUnsigned);
  private long lookups;

  /** {@code watched}: whether a directory's path (no trailing slash) is in or at a watched tree. */
  HandlePaths(int mountFd, Predicate<byte[]> watched) {
    this.mountFd = mountFd;
    this.watched = watched;
  }

  /** The directory's path now (cached), or null when it is gone. */
  byte[] path(Fanotify.Handle h) {
    byte[] p = byHandle.get(h);
    if (p != null) return p;
    p = elsewhere.get(h);
    if (p != null) return p;
    lookups++;
    p = Fanotify.pathOf(mountFd, h);
    if (p == null) return null;
    if (!watched.test(p)) {
      if (elsewhere.size() >= MAX_ELSEWHERE) elsewhere.clear();
      elsewhere.put(h, p);
      return p;
    }
    if (byHandle.size() >= MAX) {
      byHandle.clear();
      byPath.clear();
    }
    Fanotify.Handle old = byPath.put(p, h);
    if (old != null) byHandle.remove(old); // a directory made where a deleted one was
    byHandle.put(h, p);
    return p;
  }

  /** {@code path} (and everything below it) was renamed or deleted: forgotten. */
  void invalidate(byte[] path) {
    elsewhere.clear();
    Fanotify.Handle h = byPath.remove(path);
    if (h != null) byHandle.remove(h);
    var below = byPath.subMap(Bytes.concat(path, new byte[] {'/'}), true, Bytes.concat(path, new byte[] {'0'}), false);
    for (Fanotify.Handle b : below.values()) byHandle.remove(b);
    below.clear();
  }

  /** The object with handle {@code h} was renamed or deleted: forgotten, with everything below it. */
  void invalidate(Fanotify.Handle h) {
    if (elsewhere.containsKey(h)) elsewhere.clear();
    byte[] p = byHandle.get(h);
    if (p != null) invalidate(p);
  }

  int size() {
    return byHandle.size() + elsewhere.size();
  }

  /** Handles resolved through the kernel (cache misses) so far. */
  long lookups() {
    return lookups;
  }
}
