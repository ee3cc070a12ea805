package dev.livesync.ops.doctor;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.util.ArrayDeque;

/** Counts directories (the root included) below a source: one inotify watch each. Raw-byte paths. */
public final class DirCounter {
  private DirCounter() {}

  public record Count(long dirs, long unreadable) {}

  public static Count count(byte[] root) {
    long dirs = 0;
    long unreadable = 0;
    ArrayDeque<byte[]> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      byte[] dir = todo.pop();
      dirs++;
      try {
        Libc.listDir(dir, true, (name, type) -> {
          byte[] child = Bytes.child(dir, name);
          if (Libc.isDir(type, child)) todo.push(child);
        });
      } catch (NativeException e) {
        unreadable++;
      }
    }
    return new Count(dirs, unreadable);
  }
}
