package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Directories renamed at the source whose new name a daemon target has just made from the old copy
 * ({@code --link-dest}, see {@code Transport#canRenameDirs}). The batch after such a rename deletes
 * the old name: every file of it is at the new name already, so those deletions are not a loss and
 * the mass-deletion guard must not count them (it would hold a rename of the directory that holds most
 * of the tree). Each entry counts once, and only for {@link DeletionGuard#WINDOW_NANOS}. Not
 * thread-safe: the guard holds its lock.
 */
final class CopiedAway {
  private final Map<Bytes.Key, Long> since = new HashMap<>();

  void add(byte[] from, long nanos) {
    since.put(new Bytes.Key(from), nanos);
  }

  /** How many of {@code deletions} lie at or under an old name copied away; those names are then forgotten. */
  long take(List<byte[]> deletions, long now) {
    since.values().removeIf(t -> now - t > DeletionGuard.WINDOW_NANOS);
    if (since.isEmpty()) return 0;
    long n = 0;
    java.util.Set<Bytes.Key> used = new java.util.HashSet<>();
    for (byte[] p : deletions) {
      Bytes.Key k = topmost(p);
      if (k != null) {
        n++;
        used.add(k);
      }
    }
    since.keySet().removeAll(used);
    return n;
  }

  private Bytes.Key topmost(byte[] p) {
    Bytes.Key self = new Bytes.Key(p);
    if (since.containsKey(self)) return self;
    for (int i = p.length - 1; i > 0; i--) {
      if (p[i] != '/') continue;
      Bytes.Key k = new Bytes.Key(java.util.Arrays.copyOf(p, i));
      if (since.containsKey(k)) return k;
    }
    return null;
  }
}
