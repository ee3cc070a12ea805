package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the source's entries per directory with getdents (no stat but where d_type is unknown),
 * leaving out what the excludes leave out, for {@link ShardPlanner}. A directory that cannot be read
 * counts as empty: rsync will say what is wrong with it. Subtrees smaller than the planner's floor are
 * folded into their parent as they are counted, so a tree of a million directories is held as a few
 * thousand records, not a million (the plan is the same: see {@link ShardPlanner#floor}).
 */
final class TreeCount {
  private TreeCount() {}

  /** Below this depth a directory is counted as one entry (the count only balances the parts). */
  private static final int MAX_DEPTH = 200;

  /** The source's tree, subtrees of fewer than {@code floor} entries folded into their parents. */
  static ShardPlanner.Dir of(byte[] source, Excludes excludes, long floor) {
    return count(source, Bytes.EMPTY, excludes, 0, floor);
  }

  /** The entries of the source's directory {@code rel}, itself included (excludes apply as to the whole tree). */
  static long entries(byte[] source, byte[] rel, Excludes excludes) {
    return count(source, rel, excludes, 0, Long.MAX_VALUE).total() + 1;
  }

  /** The source's directories under {@code source}, counted and listed as {@link #entries} does. */
  static SourceTrees trees(byte[] source, Excludes excludes) {
    return new SourceTrees() {
      @Override
      public long entries(byte[] rel) {
        return TreeCount.entries(source, rel, excludes);
      }

      @Override
      public List<byte[]> children(byte[] rel) {
        byte[] abs = rel.length == 0 ? source : Bytes.child(source, rel);
        List<byte[]> out = new ArrayList<>();
        try {
          Libc.listDir(abs, (name, type) -> {
            byte[] child = BytePath.unsafeWrap(rel).resolve(name).unsafeArray();
            if (!excludes.excluded(child, Libc.isDir(type, Bytes.child(abs, name)))) out.add(child);
          });
        } catch (NativeException e) {
          return List.of();
        }
        return out;
      }
    };
  }

  private static ShardPlanner.Dir count(byte[] source, byte[] rel, Excludes excludes, int depth, long floor) {
    if (depth > MAX_DEPTH) return ShardPlanner.Dir.of(rel, 1, List.of());
    byte[] abs = rel.length == 0 ? source : Bytes.child(source, rel);
    long[] own = {0};
    List<byte[]> dirs = new ArrayList<>();
    try {
      Libc.listDir(abs, (name, type) -> {
        byte[] child = BytePath.unsafeWrap(rel).resolve(name).unsafeArray();
        boolean dir = Libc.isDir(type, Bytes.child(abs, name));
        if (excludes.excluded(child, dir)) return;
        own[0]++;
        if (dir) dirs.add(child);
      });
    } catch (NativeException e) {
      return ShardPlanner.Dir.of(rel, 0, List.of());
    }
    List<ShardPlanner.Dir> children = new ArrayList<>();
    for (int i = 0; i < dirs.size(); i++) {
      ShardPlanner.Dir c = count(source, dirs.get(i), excludes, depth + 1, floor);
      dirs.set(i, null); // counted: its name is no longer needed
      children.add(c);
    }
    return ShardPlanner.Dir.folded(rel, own[0], children, floor);
  }
}
