package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.util.ArrayDeque;

/**
 * Whether a source directory holds enough to be worth copying from an old copy at the target rather
 * than sending again: at least {@code bytes} of file data or {@code entries} entries. The walk stops
 * as soon as either is reached, so a large tree costs a few listings and a small one is small. An
 * entry that cannot be read counts as one entry of no bytes.
 */
final class TreeWeight {
  private TreeWeight() {}

  static boolean atLeast(byte[] dir, long bytes, long entries) {
    long[] seen = {0, 0}; // entries, bytes
    ArrayDeque<byte[]> todo = new ArrayDeque<>();
    todo.add(dir);
    while (!todo.isEmpty()) {
      byte[] d = todo.poll();
      try {
        Libc.listDir(d, (name, type) -> {
          if (seen[0] >= entries || seen[1] >= bytes) return; // decided: the rest of the listing is only read
          seen[0]++;
          if (type == Libc.DT_DIR) {
            todo.add(Bytes.child(d, name));
          } else if (type == Libc.DT_REG || type == Libc.DT_UNKNOWN) {
            Libc.Stat st = Libc.lstatLook(Bytes.child(d, name));
            if (st != null && st.isDir()) todo.add(Bytes.child(d, name));
            else if (st != null && st.isRegular()) seen[1] += st.size();
          }
        });
      } catch (NativeException e) {
        seen[0]++;
      }
      if (seen[0] >= entries || seen[1] >= bytes) return true;
    }
    return false;
  }
}
