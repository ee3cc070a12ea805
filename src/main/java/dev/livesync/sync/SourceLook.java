package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.transport.Transport;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * One look at the source per path for the length of one send. Which of a send's paths are still at
 * the source is asked three times within a millisecond on its worker: by the item (paths whose parent
 * went, see {@link VanishedPaths}), by the deletion guard (is anything deleted) and by the transport
 * (which paths go with {@code --fuzzy}). Each asked the kernel, an lstat of the whole path: over an
 * untar of {@code /usr/share} those lstats were a third of the engine's and workers' CPU. Bound as
 * {@link Transport#SOURCE_SIZES} around the send, the three now share the first answer, which also
 * makes them agree with one another. The guard looks again ({@link #forgetBound}) when it decides a
 * send again because the source lost more files meanwhile.
 *
 * <p>The directories above the paths of an {@code rm -rf} are looked at once too (the item looks up
 * from each path gone for the topmost directory gone with it, and whether those above it are still
 * directories). Used on one thread.
 */
final class SourceLook implements Batcher.SizeProbe, Batcher.DirProbe, ToLongFunction<byte[]> {
  private final Batcher.SizeProbe source;
  private final Map<BytePath, Long> seen = new HashMap<>();
  private final Map<BytePath, Boolean> dirs = new HashMap<>();

  SourceLook(Batcher.SizeProbe source) {
    this.source = source;
  }

  @Override
  public long size(byte[] relPath) {
    BytePath key = BytePath.unsafeWrap(relPath);
    Long size = seen.get(key);
    if (size == null) seen.put(key, size = source.size(relPath));
    return size;
  }

  /** Whether {@code relPath} is a directory, where {@code source} can tell ({@link VanishedPaths}); else taken as one. */
  @Override
  public boolean isDir(byte[] relPath) {
    if (!(source instanceof Batcher.DirProbe probe)) return true;
    return dirs.computeIfAbsent(BytePath.unsafeWrap(relPath), k -> probe.isDir(relPath));
  }

  @Override
  public long applyAsLong(byte[] relPath) {
    return size(relPath);
  }

  /** The look bound around the calling code's send, else {@code source} itself (every call a new look). */
  static Batcher.SizeProbe bound(Batcher.SizeProbe source) {
    SourceLook look = current();
    return look != null ? look : source;
  }

  /** The bound look, if any, forgets what it saw: the next question about a path looks at the source again. */
  static void forgetBound() {
    SourceLook look = current();
    if (look != null) {
      look.seen.clear();
      look.dirs.clear();
    }
  }

  private static SourceLook current() {
    return Transport.SOURCE_SIZES.isBound() && Transport.SOURCE_SIZES.get() instanceof SourceLook look ? look : null;
  }
}
