package dev.livesync.transport;

import dev.livesync.fs.BytePath;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Splits a daemon batch into the present paths worth a {@code --fuzzy} run (they share a directory
 * with a path the batch deletes, so the deleted file may be their old copy) and the rest (other
 * present paths and all deletions), keeping the batch's order within each part. A recursive send
 * (a tree: a directory made or renamed) is never fuzzy: rsync looks for a basis only in each file's
 * own target directory, which for a new directory is empty, so {@code --fuzzy} would only cost a
 * scan per file.
 */
// Never compared or hashed: RsyncTransport runs each list.
record FuzzySplit(List<byte[]> fuzzy, List<byte[]> rest) {
  static FuzzySplit of(List<byte[]> paths, boolean recursive, Predicate<byte[]> presentAtSource) {
    if (recursive) return new FuzzySplit(List.of(), paths);
    boolean[] present = new boolean[paths.size()];
    Set<BytePath> deletedIn = new HashSet<>();
    for (int i = 0; i < paths.size(); i++) {
      present[i] = presentAtSource.test(paths.get(i));
      if (!present[i]) deletedIn.add(parent(paths.get(i)));
    }
    if (deletedIn.isEmpty()) return new FuzzySplit(List.of(), paths);
    List<byte[]> fuzzy = new ArrayList<>();
    List<byte[]> rest = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      byte[] p = paths.get(i);
      (present[i] && deletedIn.contains(parent(p)) ? fuzzy : rest).add(p);
    }
    return new FuzzySplit(fuzzy, rest);
  }

  private static BytePath parent(byte[] p) {
    return BytePath.unsafeWrap(p).parent();
  }
}
