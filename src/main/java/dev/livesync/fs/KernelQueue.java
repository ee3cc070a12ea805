package dev.livesync.fs;

/**
 * What a watcher's reader knows of the kernel's event queue: how far it has been read, and how long
 * events read ahead of the engine have waited. Times are {@link System#nanoTime()}.
 */
public interface KernelQueue {
  /**
   * A time before which every change to the watched files has been delivered by the watcher's poll
   * (a read that emptied the kernel's queue started then); {@link Long#MIN_VALUE} before the first.
   * The poller's thread only.
   */
  long drainedAtNanos();

  /**
   * How long the oldest events read ahead of the poll (and not delivered yet) have waited, in
   * nanoseconds; 0 when none wait. Safe from any thread.
   */
  long unreadAgeNanos();
}
