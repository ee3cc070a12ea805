package dev.livesync.sync;

/**
 * How far the engine has read the source's events. A deletion of a gone ancestor ({@link
 * GoneAncestors}) waits until everything that happened at the source before it was queued has been
 * read, so that a rename which explains the missing name is in the queue before it. The defaults (a
 * loop without a watcher, as in tests): everything counts as read at once.
 */
public interface SourceReads {
  /** A mark for now, for {@link #sourceReadSince}. */
  default long sourceReadMark() {
    return Long.MIN_VALUE;
  }

  /** Whether every change made at the source before {@code mark} has been read and queued. */
  default boolean sourceReadSince(long mark) {
    return true;
  }
}
