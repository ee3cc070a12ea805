package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Which of the paths whose deletion the guard holds are back at the source, as rsync sees the source:
 * there, below directories only. A directory replaced by a symlink to where its files went ({@code mv
 * src/www disk/www && ln -s disk/www src/www}) does not bring them back: the path still resolves
 * through the link, but rsync sends the link, which deletes the directory's tree at the target. One
 * instance for one pass over the held paths: each directory above them is looked at once.
 */
final class BackAtSource implements Predicate<byte[]> {
  private final Batcher.SizeProbe source;
  private final Map<BytePath, Boolean> dirs = new HashMap<>();

  /** {@code source}: a {@link Batcher.DirProbe} too, or the directories above a path are not looked at. */
  BackAtSource(Batcher.SizeProbe source) {
    this.source = source;
  }

  @Override
  public boolean test(byte[] rel) {
    if (source.size(rel) < 0) return false;
    if (!(source instanceof Batcher.DirProbe probe)) return true;
    for (int end = lastSlash(rel, rel.length); end > 0; end = lastSlash(rel, end)) {
      byte[] above = Arrays.copyOf(rel, end);
      if (!dirs.computeIfAbsent(BytePath.unsafeWrap(above), k -> probe.isDir(above))) return false;
    }
    return true;
  }

  private static int lastSlash(byte[] b, int end) {
    for (int i = end - 1; i > 0; i--) if (b[i] == '/') return i;
    return 0;
  }
}
