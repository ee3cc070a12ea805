package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The engine's looks at the source (lstat of a path relative to its root). While the engine thread
 * cuts batches and queues them ({@link #keeping}), a path's lstat is taken once and kept: the batcher
 * sizes the path and asks whether one of size 0 is a directory, and the hard-link expansion asks for
 * its link count, microseconds apart; over an untar each of those looks had been a tenth of the
 * engine's and workers' CPU. The kept answers are forgotten when the queueing ends, and no other
 * thread ever sees them: every other question looks at the source again.
 */
final class SourceStats implements Batcher.SizeProbe, Batcher.DirProbe {
  private final Function<byte[], Libc.Stat> look;
  private final Map<BytePath, Libc.Stat> kept = new HashMap<>();
  /** The thread that keeps answers now, else null. */
  private volatile Thread keeper;

  /** {@code root}: the source, absolute, ending in '/'. */
  SourceStats(byte[] root) {
    this(rel -> Libc.lstatLook(Bytes.concat(root, rel)));
  }

  /** {@code look}: lstat of a relative path, null where nothing is. */
  SourceStats(Function<byte[], Libc.Stat> look) {
    this.look = look;
  }

  /** lstat of {@code rel}, null where nothing is there, {@link Libc.Stat#UNKNOWN} where it cannot be looked at (a file, to the batcher). */
  Libc.Stat lstat(byte[] rel) {
    if (keeper != Thread.currentThread()) return look.apply(rel);
    BytePath key = BytePath.unsafeWrap(rel);
    Libc.Stat st = kept.get(key);
    if (st == null && !kept.containsKey(key)) kept.put(key, st = look.apply(rel));
    return st;
  }

  /** A regular file's size, 0 for anything else there, -1 where nothing is ({@link Batcher.SizeProbe}). */
  @Override
  public long size(byte[] rel) {
    Libc.Stat st = lstat(rel);
    return st == null ? -1 : st.isRegular() ? st.size() : 0;
  }

  /** Whether {@code rel} is a directory now. */
  @Override
  public boolean isDir(byte[] rel) {
    Libc.Stat st = lstat(rel);
    return st != null && st.isDir();
  }

  /** {@code queue} of each item {@code cut} returns, every path looked at once for both. */
  <T> void keeping(Supplier<List<T>> cut, Consumer<T> queue) {
    keeper = Thread.currentThread();
    try {
      for (T item : cut.get()) queue.accept(item);
    } finally {
      keeper = null;
      kept.clear();
    }
  }
}
