package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.ChangeTimes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * What changed at the source since a clean stop, found without the target: a walk of the source
 * (after its watches are set, so that what changes from then on comes as events) that picks every
 * entry whose ctime is at or after {@code since}, and the listing of the source at the stop
 * ({@link CleanStop#readIndex}), which names what a changed directory held then and lacks now. The
 * result is the work that brings a target that equalled the source at the stop up to date:
 *
 * <ul>
 *   <li>a changed file or symlink, and a changed directory the listing had: sent as itself (a
 *       directory's mode and mtime; its changed entries go as their own paths);
 *   <li>a name the listing had in a changed directory and the source lacks: sent as a missing path,
 *       that is a deletion, which the mass-deletion guard judges as any other;
 *   <li>a changed directory the listing did not have (made, moved in or renamed while stopped; what
 *       it holds may keep older ctimes): sent recursively, mirrored.
 * </ul>
 */
final class CatchUp {
  /** What {@link #find} found: the paths to send as themselves and the trees to send whole, each sorted. */
  // Never compared or hashed; gone is an identity set of the arrays in paths.
  record Found(List<byte[]> paths, List<byte[]> trees, java.util.Set<byte[]> gone) {
    boolean isEmpty() {
      return paths.isEmpty() && trees.isEmpty();
    }
  }

  /** {@code ino}: a directory's inode number (from its parent's listing; the root's -1), else -1. */
  private record Changed(byte[] rel, boolean dir, long ino) {}

  private CatchUp() {}

  /** The source could not be walked where it is still there (permissions, a path too long): a full sync must do. */
  static final class Unwalkable extends RuntimeException {
    Unwalkable(String message) {
      super(message);
    }
  }

  /**
   * Walks {@code root} (absolute, with a trailing slash) for entries with a ctime at or after
   * {@code sinceNanos} (epoch nanoseconds), then reads the listing {@code index} (of id {@code id});
   * null when the listing cannot be read. Throws {@link Unwalkable} where a directory or entry that is
   * still there could not be read: what changed there would be missed.
   */
  static Found find(byte[] root, Excludes excludes, long sinceNanos, Path index, String id, int threads) {
    var changed = new ConcurrentLinkedQueue<Changed>();
    var failed = new java.util.concurrent.atomic.AtomicReference<String>();
    try (var pool = new ForkJoinPool(Math.max(1, threads))) {
      pool.invoke(new Walk(root, Bytes.EMPTY, -1, excludes, sinceNanos, changed, failed));
    }
    if (failed.get() != null) throw new Unwalkable(failed.get());
    Map<String, Long> inodes = new HashMap<>(); // changed directories (latin-1 keys): their inode numbers
    Map<String, Boolean> dirs = new HashMap<>(); // the same: whether the listing had them, as the same directory
    List<byte[]> plain = new ArrayList<>();
    for (Changed c : changed) {
      if (!c.dir()) {
        plain.add(c.rel());
        continue;
      }
      dirs.put(Bytes.latin1(c.rel()), c.rel().length == 0);
      inodes.put(Bytes.latin1(c.rel()), c.ino());
    }
    List<byte[]> gone = new ArrayList<>();
    // a directory of the same name but another inode (one moved in over it) is new: what it holds may keep older ctimes
    boolean read = CleanStop.readIndex(index, id, (p, ino) -> {
      String key = Bytes.latin1(p);
      if (ino >= 0 && dirs.containsKey(key) && inodes.get(key) == ino) dirs.put(key, true);
      int slash = key.lastIndexOf('/');
      if (dirs.containsKey(slash < 0 ? "" : key.substring(0, slash)) && Libc.lstatOrNull(Bytes.concat(root, p)) == null) gone.add(p);
    });
    if (!read) return null;
    var trees = new TreeSet<String>();
    var paths = new TreeSet<String>();
    dirs.forEach((d, known) -> {
      if (d.isEmpty()) return; // the root goes as "." at start anyway
      (known ? paths : trees).add(d);
    });
    for (byte[] p : plain) paths.add(Bytes.latin1(p));
    for (byte[] p : gone) paths.add(Bytes.latin1(p));
    List<byte[]> topTrees = topmost(trees);
    var goneKeys = new java.util.HashSet<String>();
    for (byte[] p : gone) goneKeys.add(Bytes.latin1(p));
    List<byte[]> outside = new ArrayList<>();
    java.util.Set<byte[]> goneOut = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (String p : paths) {
      if (underAny(p, trees)) continue;
      byte[] b = Bytes.fromLatin1(p);
      outside.add(b);
      if (goneKeys.contains(p)) goneOut.add(b);
    }
    return new Found(outside, topTrees, goneOut);
  }

  /** The directories of {@code sorted} that no other one of them is below. */
  private static List<byte[]> topmost(TreeSet<String> sorted) {
    List<byte[]> out = new ArrayList<>();
    String last = null;
    for (String d : sorted) {
      if (last != null && d.startsWith(last + "/")) continue;
      out.add(Bytes.fromLatin1(d));
      last = d;
    }
    return out;
  }

  private static boolean underAny(String p, TreeSet<String> dirs) {
    for (int slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
      if (dirs.contains(p.substring(0, slash))) return true;
    }
    return false;
  }

  /** One directory of the walk: its entries' ctimes, and a task for each subdirectory. */
  private static final class Walk extends RecursiveAction {
    private final byte[] root;
    private final byte[] dir;
    private final long ino;
    private final Excludes excludes;
    private final long since;
    private final ConcurrentLinkedQueue<Changed> out;
    private final java.util.concurrent.atomic.AtomicReference<String> failed;

    Walk(byte[] root, byte[] dir, long ino, Excludes excludes, long since, ConcurrentLinkedQueue<Changed> out,
        java.util.concurrent.atomic.AtomicReference<String> failed) {
      this.failed = failed;
      this.root = root;
      this.dir = dir;
      this.ino = ino;
      this.excludes = excludes;
      this.since = since;
      this.out = out;
    }

    @Override
    protected void compute() {
      List<Walk> subdirs = new ArrayList<>();
      try {
        if (ChangeTimes.ctimeNanos(Bytes.concat(root, dir)) >= since) out.add(new Changed(dir, true, ino));
        Libc.listDirInodes(Bytes.concat(root, dir), (name, type, entryIno) -> {
          byte[] rel = dir.length == 0 ? name : Bytes.child(dir, name);
          byte[] abs = Bytes.concat(root, rel);
          boolean isDir = Libc.isDir(type, abs);
          if (excludes.excluded(rel, isDir)) return;
          if (isDir) subdirs.add(new Walk(root, rel, entryIno, excludes, since, out, failed));
          else if (ChangeTimes.ctimeNanos(abs) >= since) out.add(new Changed(rel, false, -1));
        });
      } catch (NativeException e) {
        // gone since: its parent changed, and an event or the listing tells; anything else would hide changes
        if (e.errno() != dev.livesync.fs.Errno.ENOENT && e.errno() != dev.livesync.fs.Errno.ENOTDIR) failed.compareAndSet(null, e.getMessage());
        return;
      }
      invokeAll(subdirs);
    }
  }
}
