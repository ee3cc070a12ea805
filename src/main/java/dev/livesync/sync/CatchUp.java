package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.ChangeTimes;
import dev.livesync.fs.Errno;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What changed at the source since a clean stop, found without the target: a look at every
 * directory of the source once its watch is set (what changes in it from then on comes as an event;
 * on an inotify watcher this runs on other threads while the watches of the rest are being set up,
 * else it is one walk after the watcher started) that picks every entry whose ctime is at or after
 * {@code since}, and the listing of the source at the stop
 * ({@link CleanStop#readIndex}), which names what a changed directory held then and lacks now. The
 * result is the work that brings a target that equalled the source at the stop up to date:
 *
 * <ul>
 *   <li>a changed file or symlink, and a changed directory the listing had: sent as itself (a
 *       directory's mode and mtime; its changed entries go as their own paths);
 *   <li>a name the listing had in a changed directory and the source lacks: sent as a missing path,
 *       that is a deletion, which the mass-deletion guard judges as any other;
 *   <li>a changed directory the listing did not have (made, moved in or renamed while stopped; what
 *       it holds may keep older ctimes): sent recursively, mirrored;
 *   <li>of those, one whose inode the listing had for a directory the source lacks now, and that
 *       still holds an entry that directory held at the stop (same name, same inode, a ctime before
 *       the stop; an inode alone may be reused): that directory renamed while stopped ({@link Found#renames}), which a target renames in place
 *       (or from its old copy) and the mass-deletion guard counts as no loss, as it does a rename
 *       its events saw.
 * </ul>
 */
final class CatchUp {
  /**
   * What {@link #find} found: the paths to send as themselves and the trees to send whole, each
   * sorted; {@code topAtStop}: the names the listing had at the top (latin-1); {@code renames}: the
   * directories renamed while stopped, each old name in {@code paths} (gone) and new one in {@code trees}.
   */
  // Never compared or hashed; gone is an identity set of the arrays in paths.
  record Found(List<byte[]> paths, List<byte[]> trees, java.util.Set<byte[]> gone, java.util.Set<String> topAtStop, List<Renamed> renames) {
    boolean isEmpty() {
      return paths.isEmpty() && trees.isEmpty();
    }
  }

  /** A directory renamed while stopped: its name at the stop and now (the same inode, and an entry it held then still in it). */
  // Never compared or hashed.
  record Renamed(byte[] from, byte[] to) {}

  /** {@code ino}: a directory's inode number (lstat's; the root's -1), else -1. */
  private record Changed(byte[] rel, boolean dir, long ino) {}

  private final byte[] root;
  private final Excludes excludes;
  private final long since;
  private final ConcurrentLinkedQueue<Changed> changed = new ConcurrentLinkedQueue<>();
  private final AtomicReference<String> failed = new AtomicReference<>();
  private final ThreadPoolExecutor pool;
  private volatile boolean told;

  /** The source could not be walked where it is still there (permissions, a path too long): a full sync must do. */
  static final class Unwalkable extends RuntimeException {
    Unwalkable(String message) {
      super(message);
    }
  }

  /**
   * Starts looking for entries of {@code root} (absolute, with a trailing slash) with a ctime at or
   * after {@code sinceNanos} (epoch nanoseconds), on {@code threads} threads: each directory as
   * {@link #watched} tells it (an inotify watcher's setup), or, where nothing did, the whole tree in
   * {@link #find}.
   */
  CatchUp(byte[] root, Excludes excludes, long sinceNanos, int threads) {
    this.root = root;
    this.excludes = excludes;
    this.since = sinceNanos;
    var p = new ThreadPoolExecutor(Math.max(1, threads), Math.max(1, threads), 5, TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("livesync-catch-up-", 0).factory());
    p.allowCoreThreadTimeOut(true); // a start that fails before find() leaves no thread behind for long
    this.pool = p;
  }

  /**
   * Directory {@code dir} (absolute, with a trailing slash, under the root) is watched: its own ctime
   * and its entries' (not its subdirectories': each is told in turn) are looked at, on the pool. Quick:
   * it is called on the thread that sets the watches up.
   */
  void watched(byte[] dir) {
    told = true;
    byte[] rel = dir.length <= root.length ? Bytes.EMPTY : Arrays.copyOfRange(dir, root.length, dir.length - 1);
    pool.execute(() -> look(rel, false));
  }

  /** Looks at directory {@code rel} and its entries; {@code below}: at its subdirectories too (forked). */
  private void look(byte[] rel, boolean below) {
    List<ForkJoinTask<?>> subdirs = new ArrayList<>();
    try {
      long[] ino = {-1};
      byte[] dir = Bytes.concat(root, rel);
      if (ChangeTimes.ctimeNanos(dir, ino) >= since) changed.add(new Changed(rel, true, rel.length == 0 ? -1 : ino[0]));
      Libc.listDir(dir, (name, type) -> {
        byte[] r = rel.length == 0 ? name : Bytes.child(rel, name);
        byte[] abs = Bytes.concat(root, r);
        boolean isDir = Libc.isDir(type, abs);
        if (excludes.excluded(r, isDir)) return;
        if (isDir) {
          if (below) subdirs.add(ForkJoinTask.adapt(() -> look(r, true)));
        } else if (ChangeTimes.ctimeNanos(abs) >= since) {
          changed.add(new Changed(r, false, -1));
        }
      });
    } catch (NativeException e) {
      // gone since: its parent changed, and an event or the listing tells; anything else would hide changes
      if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTDIR) failed.compareAndSet(null, e.getMessage());
    }
    ForkJoinTask.invokeAll(subdirs);
  }

  /**
   * Waits for the directories told, or walks the whole tree where none was, then reads the listing
   * {@code index} (of id {@code id}): what to send. Null when the listing cannot be read; throws
   * {@link Unwalkable} where a directory or entry that is still there could not be read (what changed
   * there would be missed).
   */
  Found find(Path index, String id, int threads) throws InterruptedException {
    if (threads > pool.getMaximumPoolSize()) {
      // the watch setup is done: the core it had takes its part of what is still to look at
      pool.setMaximumPoolSize(threads);
      pool.setCorePoolSize(threads);
    }
    pool.shutdown();
    pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    if (!told) {
      try (var walk = new ForkJoinPool(Math.max(1, threads))) {
        walk.invoke(ForkJoinTask.adapt(() -> look(Bytes.EMPTY, true)));
      }
    }
    if (failed.get() != null) throw new Unwalkable(failed.get());
    return found(index, id);
  }

  private Found found(Path index, String id) {
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
    Map<Long, String> goneDirs = new HashMap<>(); // gone directories by their inode at the stop
    var top = new java.util.HashSet<String>();
    // a directory of the same name but another inode (one moved in over it) is new: what it holds may keep older ctimes
    var changedInodes = new java.util.HashSet<>(inodes.values());
    Map<String, List<Held>> held = new HashMap<>(); // gone directories that may have been renamed: what they held at the stop
    boolean read = CleanStop.readIndex(index, id, (p, isDir, ino) -> {
      String key = Bytes.latin1(p);
      if (isDir && ino >= 0 && dirs.containsKey(key) && inodes.get(key) == ino) dirs.put(key, true);
      int slash = key.lastIndexOf('/');
      if (slash < 0) top.add(key);
      String parent = slash < 0 ? "" : key.substring(0, slash);
      // the listing has a directory's entries after the directory itself
      List<Held> in = held.get(parent);
      if (in != null && ino >= 0) in.add(new Held(p, slash + 1, ino));
      if (dirs.containsKey(parent) && Libc.lstatLook(Bytes.concat(root, p)) == null) {
        gone.add(p);
        if (isDir && ino >= 0) goneDirs.put(ino, key);
        if (isDir && ino >= 0 && changedInodes.contains(ino)) held.put(key, new ArrayList<>());
      }
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
    List<Renamed> renames = new ArrayList<>();
    for (byte[] t : topTrees) {
      Long ino = inodes.get(Bytes.latin1(t));
      String from = ino == null || ino < 0 ? null : goneDirs.remove(ino);
      // the old name is sent as a deletion by itself (not below a new tree), the new one whole
      if (from != null && !underAny(from, trees) && holdsAnyOf(t, held.get(from))) renames.add(new Renamed(Bytes.fromLatin1(from), t));
    }
    return new Found(outside, topTrees, goneOut, top, renames);
  }

  /** An entry a gone directory held at the stop: its path then, where its name starts in it, its inode. */
  private record Held(byte[] path, int nameAt, long ino) {}

  /**
   * Whether directory {@code dir} (a new one with the inode of a gone one) holds one of the entries the
   * gone one held at the stop: the same name, the same inode and a ctime before the stop (an inode made
   * since has a later one; a link made since changes it). An inode number is reused once its directory
   * is deleted (rm -rf big, then mkdir other can give other big's inode): the inode alone is no rename.
   */
  private boolean holdsAnyOf(byte[] dir, List<Held> entries) {
    if (entries == null) return false;
    long[] ino = {-1};
    for (Held h : entries) {
      byte[] now = Bytes.concat(root, Bytes.child(dir, Arrays.copyOfRange(h.path(), h.nameAt(), h.path().length)));
      try {
        ino[0] = -1;
        long ctime = ChangeTimes.ctimeNanos(now, ino);
        if (ctime >= 0 && ctime < since && ino[0] == h.ino()) return true;
      } catch (NativeException e) {
        // not to be looked at: not a witness
      }
    }
    return false;
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
}
