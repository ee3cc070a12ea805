package dev.livesync.fs;

/**
 * How far a watcher has come setting up the watches of a tree: directories listed and watched so
 * far, since when. Written by the thread that sets the watches up, read by any other (status, the
 * log every few seconds); on a tree of a million directories this takes minutes, and without it a
 * starting sync looks hung.
 */
public final class WatchProgress {
  private final long startNanos = System.nanoTime();
  private volatile long listed;
  private volatile long watched;
  private volatile long endNanos = -1;
  private volatile long expected = -1;

  /** One more directory listed (found). Only the setting-up thread calls it. */
  @SuppressWarnings("NonAtomicOperationOnVolatileField") // one writer
  void listed() {
    listed++;
  }

  /**
   * One more directory listed, {@code dir} (absolute, with a trailing slash), which is watched:
   * what changes in it from now on is reported. Told to the {@link #onWatchedAndListed} consumer.
   */
  void listed(byte[] dir) {
    listed();
    java.util.function.Consumer<byte[]> c = onListed;
    if (c != null) c.accept(dir);
  }

  private volatile java.util.function.Consumer<byte[]> onListed;

  /**
   * Told each directory of the tree once its watch is set and it has been listed, on the thread
   * that sets the watches up (so it must be quick); null: no one. Only an inotify watcher tells
   * (one watch per directory); a fanotify mark is set once for the whole filesystem.
   */
  public void onWatchedAndListed(java.util.function.Consumer<byte[]> c) {
    onListed = c;
  }

  /** One more directory watched. Only the setting-up thread calls it. */
  @SuppressWarnings("NonAtomicOperationOnVolatileField") // one writer
  void watched() {
    watched++;
  }

  /** Setup has ended (watching, or failed). */
  public void done() {
    if (endNanos < 0) endNanos = System.nanoTime();
  }

  public boolean isDone() {
    return endNanos >= 0;
  }

  public long listedDirs() {
    return listed;
  }

  public long watchedDirs() {
    return watched;
  }

  public long elapsedNanos() {
    long end = endNanos;
    return (end >= 0 ? end : System.nanoTime()) - startNanos;
  }

  /** The tree's directory count at the last start (an estimate of this one's), or negative: unknown. */
  public void expect(long dirs) {
    expected = dirs;
  }

  /** Directories watched per second so far. */
  public long perSecond() {
    long ns = elapsedNanos();
    return ns <= 0 ? 0 : Math.round(watched * 1e9 / ns);
  }

  /**
   * One line: "12,345 directories watched (14,000 found so far) of about 246,000 (the count at the
   * last start), about 5 s to go, 40,000/s". Watched: directories holding a watch now set. Found: the
   * directories seen so far, watched or not yet — never fewer than those watched (a watch is set on a
   * directory as it is found, and listed after; or, listing first, every directory is listed before
   * its watch).
   */
  public String describe() {
    return describe(watched);
  }

  /**
   * {@link #describe()} with {@code watched} read once by the caller, who shows it beside this line
   * (status's "watches N"): both then say the same count.
   */
  public String describe(long watched) {
    long estimate = expected;
    long found = Math.max(listed, watched);
    StringBuilder b = new StringBuilder();
    b.append(String.format("%,d directories watched (%,d found so far)", watched, found));
    if (estimate > 0) {
      b.append(String.format(" of about %,d (the count at the last start)", estimate));
      long rate = perSecond();
      if (rate > 0 && estimate > watched) b.append(String.format(", about %d s to go", (estimate - watched) / rate));
    }
    return b.append(String.format(", %,d/s", perSecond())).toString();
  }
}
