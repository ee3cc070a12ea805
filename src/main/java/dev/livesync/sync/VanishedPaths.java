package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The paths a batch really sends. A path gone from the source together with its parent (a directory
 * renamed or removed after the batch was cut) cannot be sent as a deletion: with {@code -R
 * --delete-missing-args} rsync reports the missing parent as vanished (exit 24) on every attempt, so
 * the item would be retried forever, or, checked only on retry, cost a failed run and a backoff each
 * (under load, thousands of them, serialized behind one another). Such a path is replaced by its
 * topmost missing ancestor, whose parent exists: that one rsync does delete, with everything under it,
 * which is gone from the source too. Safe against the ancestor's re-creation: rsync deletes only what
 * its own sender finds missing, and events of a re-creation are queued after this item, which the
 * target runner orders after it (they touch the same directory).
 */
final class VanishedPaths {
  private VanishedPaths() {}

  static List<byte[]> collapse(List<byte[]> paths, Batcher.SizeProbe source) {
    Set<Bytes.Key> out = new LinkedHashSet<>();
    for (byte[] p : paths) {
      byte[] q = p;
      if (source.size(q) < 0) {
        for (byte[] parent = parent(q); parent.length > 0 && source.size(parent) < 0; parent = parent(parent)) q = parent;
      }
      out.add(new Bytes.Key(q));
    }
    List<byte[]> list = new ArrayList<>(out.size());
    for (Bytes.Key k : out) list.add(k.bytes());
    return list;
  }

  private static byte[] parent(byte[] p) {
    for (int i = p.length - 1; i > 0; i--) if (p[i] == '/') return Arrays.copyOf(p, i);
    return new byte[0];
  }
}
