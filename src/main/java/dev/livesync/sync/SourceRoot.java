package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;

/**
 * The source directory a sync started on (device and inode), so that one moved away and replaced,
 * or an unmounted file system's empty mount point, is told from it: neither gives an event.
 */
// Never compared or hashed: one per sync, asked problem() by SourceCheck and SourceGuard.
record SourceRoot(byte[] path, long dev, long ino) {
  static SourceRoot of(byte[] path, Libc.Stat atStart) {
    return new SourceRoot(path, atStart.dev(), atStart.ino());
  }

  /** Empty when the source is the one the sync started on, else what is wrong with it. */
  String problem() {
    Libc.Stat st = Libc.statOrNull(path);
    if (st == null || !st.isDir()) return "source " + Bytes.display(path) + " is gone";
    if (st.dev() != dev || st.ino() != ino) {
      return "source " + Bytes.display(path) + " is no longer the directory livesync started on (unmounted, or moved away and replaced)";
    }
    return "";
  }
}
