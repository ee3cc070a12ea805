package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.FullSyncShard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a full sync into parts that rsync runs side by side, balanced by a count of the tree (not
 * one part per top-level directory: a lopsided tree is split deeper where it is big). Every path
 * belongs to exactly one part: the carved subtrees, and the rest of the tree in one remainder part
 * that excludes them. Parts are at most {@code total / (2 * parallelism)} entries; subtrees below an
 * eighth of that stay in the remainder (thousands of tiny rsyncs would cost more than they save), so
 * there are at most about 16 parts per rsync allowed at once.
 */
final class ShardPlanner {
  /** A directory of the counted tree: entries directly in it, and its subdirectories. */
  record Dir(byte[] rel, long own, List<Dir> children, long total) {
    static Dir of(byte[] rel, long own, List<Dir> children) {
      long t = own;
      for (Dir c : children) t += c.total;
      return new Dir(rel, own, List.copyOf(children), t);
    }

    /** As {@link #of}, with the children smaller than {@code floor} counted as entries of this directory. */
    static Dir folded(byte[] rel, long own, List<Dir> children, long floor) {
      List<Dir> kept = new ArrayList<>();
      for (Dir c : children) {
        if (c.total < floor) own += c.total;
        else kept.add(c);
      }
      return of(rel, own, kept);
    }
  }

  private ShardPlanner() {}

  /**
   * The size below which a subtree may be counted as entries of its parent without changing {@link
   * #plan}: a tree that is split has at least {@code minEntries} entries, so a part's bound {@code most}
   * is at least {@code minEntries / (2 * parallelism)}, and a subtree below an eighth of that is never
   * carved nor looked into.
   */
  static long floor(int parallelism, long minEntries) {
    return Math.max(0, minEntries / (16L * Math.max(1, parallelism)));
  }

  /**
   * The parts for {@code parallelism} rsyncs, largest first; one whole part when the tree has fewer
   * than {@code minEntries} entries or parallelism is 1.
   */
  static List<FullSyncShard> plan(Dir root, int parallelism, long minEntries) {
    if (parallelism <= 1 || root.total() < minEntries) return List.of(FullSyncShard.whole(root.total()));
    long most = Math.max(1, (root.total() + 2L * parallelism - 1) / (2L * parallelism));
    List<Dir> carved = new ArrayList<>();
    carve(root, most, carved);
    if (carved.isEmpty()) return List.of(FullSyncShard.whole(root.total()));
    List<FullSyncShard> parts = new ArrayList<>();
    long inParts = 0;
    for (Dir d : carved) {
      parts.add(new FullSyncShard(d.rel(), List.of(), d.total()));
      inParts += d.total();
    }
    parts.add(new FullSyncShard(Bytes.EMPTY, carved.stream().map(Dir::rel).toList(), root.total() - inParts));
    parts.sort(Comparator.comparingLong(FullSyncShard::entries).reversed());
    return parts;
  }

  private static void carve(Dir dir, long most, List<Dir> out) {
    for (Dir c : dir.children()) {
      if (!FullSyncShard.plain(c.rel())) continue; // cannot be named in an exclude: stays with its parent
      if (c.total() > most) {
        carve(c, most, out);
      } else if (c.total() * 8 >= most) {
        out.add(c);
      }
    }
  }
}
