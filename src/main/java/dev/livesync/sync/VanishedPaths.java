package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Paths gone from the source together with their parent (a directory renamed or removed after the
 * batch was cut). rsync ({@code -R --delete-missing-args}) cannot send such a path as a deletion: it
 * reports the missing parent as vanished (exit 24) on every attempt, so the item would be retried
 * forever, or cost a failed run and a backoff each (under load, thousands, one behind the other).
 * The deletion they stand for is that of their topmost missing ancestor (whose parent exists), which
 * rsync does carry out, with everything under it. Nor can rsync send a path gone because a directory
 * above it was replaced by a symlink or a file: {@code -R} follows a symlink on the way as a directory
 * (a dangling one or a loop fails every attempt; one to a directory elsewhere makes a directory at the
 * target where the source has a symlink). Such a path stands for the send of what replaced the
 * directory (the highest such ancestor), which rsync puts in the directory's place. Telling that takes
 * a probe that tells directories ({@link Batcher.DirProbe}), as the engine's does, and a look at each
 * directory above a missing path (once per send: {@link SourceLook}).
 *
 * <p>That deletion reaches further than the item's paths, so it must not run inside the item once
 * the item has started: the target runner let other items run beside it that touch none of its paths
 * but may lie under the ancestor (a directory made again under the old name, its new files sent by
 * the next batch), and the ancestor's deletion at the target would remove what they had just copied.
 * So a running item only {@link #split splits} them off, and the runner queues the ancestors as an
 * item of their own, ordered like any other; before an item starts (a retry, built on the loop
 * thread) they may be {@link #collapse collapsed} into it, as its paths are what it claims.
 */
final class VanishedPaths {
  private VanishedPaths() {}

  /** {@code kept}: the paths rsync can reconcile; {@code goneAncestors}: topmost missing ancestors of the others. */
  // Never compared or hashed: the caller takes both lists apart.
  record Split(List<byte[]> kept, List<byte[]> goneAncestors) {}

  static Split split(List<byte[]> paths, Batcher.SizeProbe source) {
    List<byte[]> kept = new ArrayList<>(paths.size());
    Set<BytePath> gone = new LinkedHashSet<>();
    for (byte[] p : paths) {
      BytePath top = ancestorToSend(p, source);
      if (top == null) kept.add(p);
      else gone.add(top);
    }
    if (gone.isEmpty()) return new Split(paths, List.of());
    return new Split(kept, BytePath.unsafeArrays(gone));
  }

  /**
   * Each path whose parent is gone replaced by its topmost missing ancestor (duplicates dropped):
   * {@code kept} all of them, in order; {@code goneAncestors} those that replaced a path.
   */
  static Split collapse(List<byte[]> paths, Batcher.SizeProbe source) {
    Set<BytePath> out = new LinkedHashSet<>(), gone = new LinkedHashSet<>();
    for (byte[] p : paths) {
      BytePath top = ancestorToSend(p, source);
      out.add(top == null ? BytePath.unsafeWrap(p) : top);
      if (top != null) gone.add(top);
    }
    return new Split(BytePath.unsafeArrays(out), BytePath.unsafeArrays(gone));
  }

  /**
   * Null when {@code p} exists or its parent does (a directory); else what rsync can name in its
   * place: the highest ancestor that is not a directory now (a symlink or a file where the directory
   * was), else the highest missing ancestor below one that exists.
   */
  private static BytePath ancestorToSend(byte[] p, Batcher.SizeProbe source) {
    if (source.size(p) >= 0) return null;
    BytePath top = null;
    boolean above = false; // past the missing ancestors right above p
    for (BytePath a : BytePath.unsafeWrap(p).ancestors()) {
      if (!above && source.size(a.unsafeArray()) < 0) {
        top = a;
        continue;
      }
      if (!(source instanceof Batcher.DirProbe dirs)) break;
      above = true;
      if (!dirs.isDir(a.unsafeArray())) top = a;
    }
    return top;
  }
}
