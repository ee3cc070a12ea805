package dev.livesync.transport;

import java.util.List;

/**
 * How a target differs from its source, from an itemized dry run: paths (relative, raw bytes)
 * missing at the target, extra at the target, and present on both sides but different (content,
 * size, mtime of a file, type, permissions, owner, symlink target). Directories whose only
 * difference is their modification time are not counted: that time changes whenever an entry inside
 * changes and is not part of the data ({@link Transport#topLevel} counts them: there it tells of a
 * target changed behind livesync's back).
 */
// Never compared or hashed: callers count and print its lists.
public record Drift(List<byte[]> missing, List<byte[]> extra, List<byte[]> differing, List<String> why,
    List<String> unreadable, boolean extraCut) {
  /**
   * {@code why}: for each of {@code differing}, in its order, what differs ("content", "mtime, permissions", "symlink target").
   * {@code unreadable}: source paths the compare could not read, each with why ("/data/x (permission denied)"): not
   * compared. {@code extraCut}: rsync stopped listing extra paths at its first read error (it skips deletions then).
   */
  public Drift {
    missing = List.copyOf(missing);
    extra = List.copyOf(extra);
    differing = List.copyOf(differing);
    why = List.copyOf(why);
    unreadable = List.copyOf(unreadable);
    if (why.size() != differing.size()) throw new IllegalArgumentException("a reason for each differing path");
  }

  /** A drift of a compare that read the whole source. */
  public Drift(List<byte[]> missing, List<byte[]> extra, List<byte[]> differing, List<String> why) {
    this(missing, extra, differing, why, List.of(), false);
  }

  /** This drift, with source paths that could not be read (see {@link #unreadable}). */
  public Drift withUnreadable(List<String> paths, boolean cut) {
    return new Drift(missing, extra, differing, why, paths, cut);
  }

  public boolean isEmpty() {
    return missing.isEmpty() && extra.isEmpty() && differing.isEmpty();
  }

  public int total() {
    return missing.size() + extra.size() + differing.size();
  }
}
