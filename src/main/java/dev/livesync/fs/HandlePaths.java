package dev.livesync.fs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Directory file handles → their paths (real, no trailing slash), resolved with open_by_handle_at
 * through a mount descriptor and cached. A directory renamed or deleted drops its entry and every
 * entry below it (a sorted map finds them by path prefix), so the next event there resolves afresh.
 * The cache is bounded: past {@link #MAX} entries it starts over.
 */
final class HandlePaths {
  static final int MAX = 1 << 16;

  private final int mountFd;
  private final Map<Fanotify.Handle, byte[]> byHandle = new HashMap<>();
  private final TreeMap<byte[], Fanotify.Handle> byPath = new TreeMap<>(Arrays::compareUnsigned);
  private long lookups;

  HandlePaths(int mountFd) {
    this.mountFd = mountFd;
  }

  /** The directory's path now (cached), or null when it is gone. */
  byte[] path(Fanotify.Handle h) {
    byte[] p = byHandle.get(h);
    if (p != null) return p;
    lookups++;
    p = Fanotify.pathOf(mountFd, h);
    if (p == null) return null;
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
    Fanotify.Handle h = byPath.remove(path);
    if (h != null) byHandle.remove(h);
    var below = byPath.subMap(Bytes.concat(path, new byte[] {'/'}), true, Bytes.concat(path, new byte[] {'0'}), false);
    for (Fanotify.Handle b : below.values()) byHandle.remove(b);
    below.clear();
  }

  /** The object with handle {@code h} was renamed or deleted: forgotten, with everything below it. */
  void invalidate(Fanotify.Handle h) {
    byte[] p = byHandle.get(h);
    if (p != null) invalidate(p);
  }

  int size() {
    return byHandle.size();
  }

  /** Handles resolved through the kernel (cache misses) so far. */
  long lookups() {
    return lookups;
  }
}
