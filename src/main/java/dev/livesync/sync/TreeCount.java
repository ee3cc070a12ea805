package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the source's entries per directory with getdents (no stat but where d_type is unknown),
 * leaving out what the excludes leave out, for {@link ShardPlanner}. A directory that cannot be read
 * counts as empty: rsync will say what is wrong with it.
 */
final class TreeCount {
  private TreeCount() {}

  /** Below this depth a directory is counted as one entry (the count only balances the parts). */
  private static final int MAX_DEPTH = 200;

  static ShardPlanner.Dir of(byte[] source, Excludes excludes) {
    return count(source, Bytes.EMPTY, excludes, 0);
  }

  /** The entries of the source's directory {@code rel}, itself included (excludes apply as to the whole tree). */
  static long entries(byte[] source, byte[] rel, Excludes excludes) {
    return count(source, rel, excludes, 0).total() + 1;
  }

  private static ShardPlanner.Dir count(byte[] source, byte[] rel, Excludes excludes, int depth) {
    if (depth > MAX_DEPTH) return ShardPlanner.Dir.of(rel, 1, List.of());
    byte[] abs = rel.length == 0 ? source : Bytes.concat(source, new byte[] {'/'}, rel);
    long[] own = {0};
    List<byte[]> dirs = new ArrayList<>();
    try {
      Libc.listDir(abs, (name, type) -> {
        byte[] child = rel.length == 0 ? name : Bytes.concat(rel, new byte[] {'/'}, name);
        boolean dir = type == Libc.DT_DIR || (type == Libc.DT_UNKNOWN && isDir(Bytes.concat(abs, new byte[] {'/'}, name)));
        if (excludes.excluded(child, dir)) return;
        own[0]++;
        if (dir) dirs.add(child);
      });
    } catch (NativeException e) {
      return ShardPlanner.Dir.of(rel, 0, List.of());
    }
    List<ShardPlanner.Dir> children = new ArrayList<>(dirs.size());
    for (byte[] d : dirs) children.add(count(source, d, excludes, depth + 1));
    return ShardPlanner.Dir.of(rel, own[0], children);
  }

  private static boolean isDir(byte[] abs) {
    try {
      Libc.Stat st = Libc.lstatOrNull(abs);
      return st != null && st.isDir();
    } catch (NativeException e) {
      return false;
    }
  }
}
