package dev.livesync.fs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The trees a {@link FanotifyWatcher} watches and how their paths are shown: each root as given and
 * as the kernel names it (with a trailing slash), a descriptor of each (the mount fd that handles are
 * opened through) and one {@link HandlePaths} cache per filesystem (the fsid that starts each handle).
 */
final class FanotifyRoots implements AutoCloseable {
  // Compared only by remove(), with the instance add() returned: identity is meant (arrays by identity, the fd unique while open).
  record Root(byte[] given, byte[] real, int fd) {}

  private final List<Root> roots = new ArrayList<>();
  private final Map<Long, HandlePaths> byFs = new HashMap<>();
  private final boolean recursive;
  private final boolean realPaths;

  FanotifyRoots(boolean recursive, boolean realPaths) {
    this.recursive = recursive;
    this.realPaths = realPaths;
  }

  /** Adds directory {@code path}; returns its root. */
  Root add(byte[] path) {
    int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
    byte[] real = Libc.readlinkOrNull(Bytes.of("/proc/self/fd/" + fd));
    if (real == null) {
      Libc.close(fd);
      throw new NativeException("readlink", Errno.ENOENT, path);
    }
    byte[] realSlash = Bytes.withSlash(real);
    byte[] givenSlash = Bytes.withSlash(path);
    // one array when they are the same: shown() then hands back the kernel's path as it is
    Root r = new Root(realPaths || Arrays.equals(givenSlash, realSlash) ? realSlash : givenSlash, realSlash, fd);
    roots.add(r);
    return r;
  }

  void remove(Root r) {
    if (roots.remove(r)) Libc.close(r.fd());
  }

  List<Root> all() {
    return roots;
  }

  boolean isEmpty() {
    return roots.isEmpty();
  }

  /** The directory's real path now (no trailing slash), or null when it is gone. */
  byte[] path(Fanotify.Handle h) {
    long fsid = fsid(h);
    HandlePaths hp = byFs.get(fsid);
    if (hp != null) return hp.path(h);
    for (Root r : roots) {
      hp = new HandlePaths(r.fd(), this::watched);
      byte[] p = hp.path(h);
      if (p != null) {
        byFs.put(fsid, hp);
        return p;
      }
    }
    return null;
  }

  private static long fsid(Fanotify.Handle h) {
    long v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | (h.bytes()[i] & 0xff);
    return v;
  }

  /** {@code realPath} (a directory or file, no slash) renamed or deleted: every cache forgets it and below. */
  void invalidate(byte[] realPath) {
    for (HandlePaths hp : byFs.values()) hp.invalidate(realPath);
  }

  void invalidate(Fanotify.Handle h) {
    HandlePaths hp = byFs.get(fsid(h));
    if (hp != null) hp.invalidate(h);
  }

  /** The root {@code realDir} (with a slash) is in (at or below it when recursive), or null. */
  Root rootOf(byte[] realDir) {
    for (Root r : roots) {
      if (recursive ? Bytes.startsWith(realDir, r.real()) : Arrays.equals(realDir, r.real())) return r;
    }
    return null;
  }

  /** Whether directory {@code realPath} (no slash) is a root or (when recursive) below one. */
  boolean watched(byte[] realPath) {
    return rootOf(Bytes.withSlash(realPath)) != null; // asked on a cache miss only, after two system calls
  }

  /** The root whose directory itself is {@code realPath} (no slash), or null. */
  Root rootAt(byte[] realPath) {
    for (Root r : roots) {
      if (r.real().length == realPath.length + 1 && Bytes.startsWith(r.real(), realPath)) return r;
    }
    return null;
  }

  /** {@code realDir} (with a slash) as shown: under the root's path as given. */
  static byte[] shown(Root r, byte[] realDir) {
    if (r.given() == r.real()) return realDir;
    return Bytes.concat(r.given(), Arrays.copyOfRange(realDir, r.real().length, realDir.length));
  }

  long lookups() {
    long n = 0;
    for (HandlePaths hp : byFs.values()) n += hp.lookups();
    return n;
  }

  @Override
  public void close() {
    for (Root r : roots) Libc.close(r.fd());
    roots.clear();
  }
}
