package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.CommonDir;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The other names of a source's hard-linked files, so that a change made through one name reaches
 * all of them. inotify reports the name that was used ({@code echo new >> a} when {@code b} is the
 * same inode): a batch holding a regular file or a symlink with several links gets its other names
 * in the source added, so the target's copies (or, with {@code -H}, its links) are brought up to
 * date together. A symlink too ({@code ln s s2} links the symlink itself): rsync {@code -H} links
 * only names of one run, and a new name sent alone arrived as a symlink of its own.
 *
 * <p>Names are found by walking the source's directories (getdents only: an entry's inode number is
 * in the directory; a candidate is confirmed with one lstat) for the inodes of a batch whose names
 * are not all known yet, and remembered: a later change through any name needs no walk. An inode
 * is walked for again only when its link count changed since (a link made or removed) — names
 * outside the source are not searched for twice. Walks take at most a tenth of the loop's time: one
 * that would come sooner is left for {@link #due()}, which sends the names it finds then (a tree
 * being unpacked with many hard links is walked a few times, not once per batch). Engine loop
 * thread only.
 */
final class HardLinks {
  /** Depth beyond which a walk does not go (as {@link TreeCount}). */
  private static final int MAX_DEPTH = 256;

  private record Inode(long dev, long ino) {}

  /** Known names of an inode, and its link count when a walk last looked for them (-1: never). */
  private static final class Names {
    final List<byte[]> names = new ArrayList<>();
    long walkedAtNlink = -1;
  }

  private final byte[] root;
  private final Excludes excludes;
  private final SourceStats stats;
  private final Map<Inode, Names> known = new HashMap<>();
  /** Inodes whose names a walk has yet to find, with their link count and the oldest change's time. */
  private final Map<Inode, long[]> pending = new HashMap<>();
  private long walks;
  private long nextWalkNanos;

  /** {@code root}: the source, absolute, ending in '/'; names are relative to it. */
  HardLinks(byte[] root, Excludes excludes) {
    this(root, excludes, new SourceStats(root));
  }

  /** {@code stats}: how it looks at the source (the batcher's look, where it has just looked). */
  HardLinks(byte[] root, Excludes excludes, SourceStats stats) {
    this.root = root;
    this.excludes = excludes;
    this.stats = stats;
  }

  /** {@code send} with the other names of its hard-linked files and symlinks added (itself when there are none). */
  WorkItem.Send expand(WorkItem.Send send) {
    if (send.recursive()) return send;
    Map<Inode, Libc.Stat> linked = null;
    for (byte[] p : send.paths()) {
      Libc.Stat st = lstat(p);
      if (!linkable(st) || st.nlink() < 2) continue;
      if (linked == null) linked = new HashMap<>();
      Inode key = new Inode(st.dev(), st.ino());
      linked.put(key, st);
      Names n = known.computeIfAbsent(key, k -> new Names());
      if (!contains(n.names, p)) n.names.add(p);
    }
    if (linked == null) return send;
    Set<Inode> missing = new HashSet<>();
    for (var e : linked.entrySet()) {
      Names n = known.get(e.getKey());
      n.names.removeIf(name -> !isInode(name, e.getKey()));
      if (n.names.size() < e.getValue().nlink() && n.walkedAtNlink != e.getValue().nlink()) missing.add(e.getKey());
    }
    if (!missing.isEmpty()) {
      if (walkAllowed()) {
        walk(missing, nlinks(linked));
      } else {
        for (Inode i : missing) pending.merge(i, new long[] {linked.get(i).nlink(), send.oldestNanos()}, (a, b) -> new long[] {b[0], Math.min(a[1], b[1])});
      }
    }
    Set<BytePath> inBatch = new HashSet<>(BytePath.unsafeWrapAll(send.paths()));
    List<byte[]> paths = new ArrayList<>(send.paths());
    long bytes = send.bytes();
    for (var e : linked.entrySet()) {
      Names n = known.get(e.getKey());
      for (byte[] name : n.names) {
        if (inBatch.add(BytePath.unsafeWrap(name))) {
          paths.add(name);
          bytes += e.getValue().size();
        }
      }
    }
    return paths.size() == send.paths().size() ? send : new WorkItem.Send(List.copyOf(paths), false, bytes, send.oldestNanos(), send.attributesOnly(), CommonDir.within(send.base(), paths));
  }

  /**
   * The names found for inodes whose walk was put off, as one send (null: none, or not yet time):
   * the loop calls this every turn.
   */
  WorkItem.Send due() {
    if (pending.isEmpty() || !walkAllowed()) return null;
    Map<Inode, Long> wanted = new HashMap<>();
    long oldest = Long.MAX_VALUE;
    for (var e : pending.entrySet()) {
      wanted.put(e.getKey(), e.getValue()[0]);
      oldest = Math.min(oldest, e.getValue()[1]);
    }
    pending.clear();
    walk(wanted.keySet(), wanted);
    List<byte[]> paths = new ArrayList<>();
    for (Inode i : wanted.keySet()) {
      Names n = known.get(i);
      n.names.removeIf(name -> !isInode(name, i));
      paths.addAll(n.names);
    }
    return paths.isEmpty() ? null : new WorkItem.Send(List.copyOf(paths), false, 0, oldest);
  }

  private boolean walkAllowed() {
    return System.nanoTime() - nextWalkNanos >= 0;
  }

  private static Map<Inode, Long> nlinks(Map<Inode, Libc.Stat> linked) {
    Map<Inode, Long> out = new HashMap<>();
    linked.forEach((i, st) -> out.put(i, st.nlink()));
    return out;
  }

  /** No walk before {@code nanos} ({@link System#nanoTime()}): as after a long walk (tests). */
  void noWalkBefore(long nanos) {
    nextWalkNanos = nanos;
  }

  /** Walks of the source so far (for tests). */
  long walks() {
    return walks;
  }

  /** Finds the names of {@code wanted} under the root; records them, and that they were looked for. */
  private void walk(Set<Inode> wanted, Map<Inode, Long> nlinks) {
    walks++;
    long t0 = System.nanoTime();
    Map<Long, List<Inode>> byIno = new HashMap<>();
    for (Inode i : wanted) byIno.computeIfAbsent(i.ino(), x -> new ArrayList<>()).add(i);
    List<byte[]> dirs = new ArrayList<>();
    dirs.add(Bytes.EMPTY);
    List<Integer> depths = new ArrayList<>();
    depths.add(0);
    for (int d = 0; d < dirs.size(); d++) {
      byte[] rel = dirs.get(d);
      int depth = depths.get(d);
      byte[] abs = Bytes.concat(root, rel);
      List<byte[]> found = new ArrayList<>();
      try {
        Libc.listDirInodes(abs, (name, type, ino) -> {
          byte[] child = BytePath.unsafeWrap(rel).resolve(name).unsafeArray();
          if (type == Libc.DT_DIR) {
            if (depth < MAX_DEPTH && !excludes.excluded(child, true)) {
              dirs.add(child);
              depths.add(depth + 1);
            }
          } else if (type == Libc.DT_UNKNOWN || ((type == Libc.DT_REG || type == Libc.DT_LNK) && byIno.containsKey(ino))) {
            found.add(child); // (a file system that does not fill d_type: lstat tells)
          }
        });
      } catch (NativeException e) {
        continue; // vanished or unreadable: its names are not sent (rsync could not read them either)
      }
      for (byte[] child : found) {
        Libc.Stat st = lstat(child);
        if (st != null && st.isDir()) {
          if (depth < MAX_DEPTH && !excludes.excluded(child, true)) {
            dirs.add(child);
            depths.add(depth + 1);
          }
          continue;
        }
        if (!linkable(st) || excludes.excluded(child, false)) continue;
        Inode key = new Inode(st.dev(), st.ino());
        Names n = wanted.contains(key) ? known.computeIfAbsent(key, k -> new Names()) : null;
        if (n != null && !contains(n.names, child)) n.names.add(child);
      }
    }
    for (Inode i : wanted) known.computeIfAbsent(i, k -> new Names()).walkedAtNlink = nlinks.get(i);
    long took = System.nanoTime() - t0;
    nextWalkNanos = System.nanoTime() + 9 * took;
  }

  private Libc.Stat lstat(byte[] rel) {
    try {
      return stats.lstat(rel);
    } catch (NativeException e) {
      return null;
    }
  }

  private boolean isInode(byte[] rel, Inode i) {
    Libc.Stat st = lstat(rel);
    return linkable(st) && st.dev() == i.dev() && st.ino() == i.ino();
  }

  /** What may have several names here: a regular file or a symlink (a directory cannot). */
  private static boolean linkable(Libc.Stat st) {
    return st != null && (st.isRegular() || st.isSymlink());
  }

  private static boolean contains(List<byte[]> names, byte[] p) {
    for (byte[] n : names) if (java.util.Arrays.equals(n, p)) return true;
    return false;
  }
}
