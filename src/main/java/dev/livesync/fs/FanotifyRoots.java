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
  /**
   * A watched tree: its path as given, as the kernel names it now (both with a slash) and a descriptor
   * of it. The real path follows the directory when it or an ancestor is renamed ({@link #refresh});
   * the given one stays, as inotify keeps naming a watched directory by the path it was watched under.
   */
  static final class Root {
    private final byte[] given;
    private final int fd;
    private byte[] real;
    /** The real path before the last refresh that changed it, or null: its own move is still told by it. */
    private byte[] before;

    Root(byte[] given, byte[] real, int fd) {
      this.given = given;
      this.real = real;
      this.fd = fd;
    }

    byte[] given() {
      return given;
    }

    byte[] real() {
      return real;
    }

    int fd() {
      return fd;
    }
  }

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

  /**
   * Whether directory {@code realPath} (no slash) is a root or (when recursive) below one. Asked on a
   * cache miss only, after two system calls. One outside every root may be in one renamed (itself or
   * an ancestor) whose rename is not read yet: the kernel names a handle by where it is now, so the
   * roots' paths are looked at again before it is judged outside (one readlink per root).
   */
  boolean watched(byte[] realPath) {
    byte[] dir = Bytes.withSlash(realPath);
    return rootOf(dir) != null || refresh() && rootOf(dir) != null;
  }

  /**
   * Each root's real path read again through its descriptor (after a directory's rename: it may have
   * been the root or an ancestor of it). A root found elsewhere is named there from now on, its
   * cached paths under the old one forgotten; one deleted or out of this mount's reach keeps its path.
   * True when one changed.
   */
  boolean refresh() {
    boolean changed = false;
    for (Root r : roots) {
      byte[] now = Libc.readlinkOrNull(Bytes.of("/proc/self/fd/" + r.fd));
      if (now == null || now.length == 0 || now[0] != '/') continue;
      if (Bytes.latin1(now).endsWith(" (deleted)") && Libc.lstatLook(now) == null) continue;
      byte[] nowSlash = Bytes.withSlash(now);
      if (Arrays.equals(nowSlash, r.real)) continue;
      invalidate(Bytes.trimSlash(r.real));
      r.before = r.real;
      r.real = nowSlash;
      changed = true;
    }
    return changed;
  }

  /** The root whose directory itself is {@code realPath} (no slash) now or before its last move, or null. */
  Root rootAt(byte[] realPath) {
    for (Root r : roots) {
      if (is(r.real, realPath) || r.before != null && is(r.before, realPath)) return r;
    }
    return null;
  }

  private static boolean is(byte[] dirSlash, byte[] path) {
    return dirSlash.length == path.length + 1 && Bytes.startsWith(dirSlash, path);
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
