package dev.livesync.fs;

import java.util.function.Consumer;

/**
 * What the sync engine watches a source tree with: inotify ({@link TreeWatcher}, one watch per
 * directory) or fanotify (one mark for the whole filesystem). Both deliver the same stream of
 * {@link WatchEvent}s — inotify's masks, %w/%f paths, MOVED_FROM/MOVED_TO paired by cookie, synthetic
 * CREATEs for what a new directory already holds when asked, and one overflow event (wd -1,
 * {@link InotifyMask#IN_Q_OVERFLOW}) when the kernel dropped events — so the engine does not know
 * which one it has. Single-threaded: call everything but {@link #wakeup()} from one thread.
 */
public interface Watcher extends AutoCloseable {
  /** Starts watching {@code path} (a directory: with everything below it when recursive); throws when it cannot. */
  void watch(byte[] path);

  /**
   * Waits up to {@code timeoutMillis} (negative: forever) and delivers what the kernel has, up to
   * one buffer's worth, in kernel order. Returns false when nothing arrived (timeout or {@link #wakeup()}).
   */
  boolean poll(long timeoutMillis, Consumer<WatchEvent> sink);

  /**
   * Something was mounted at directory {@code dir} (below a watched tree, as its paths are given,
   * no slash), or unmounted there ({@link MountWatch}), so another tree shows at that path now:
   * from here on, watch that one. Nothing is reported of what it holds (the caller sends it whole).
   * Returns null when it is watched (or not to be: excluded, gone, below a directory not watched),
   * else why not, in words for the log.
   */
  String watchMountPoint(byte[] dir);

  /** How far {@link #poll} has read the kernel's queue, and what waits read ahead of it. */
  KernelQueue queue();

  /** Kernel watches or marks held (inotify: one per directory; fanotify filesystem mark: 1). */
  int watchCount();

  /** Makes a blocked {@link #poll} return; safe from any thread. */
  void wakeup();

  /** "inotify" or "fanotify": for logs and status. */
  String kind();

  @Override
  void close();
}
