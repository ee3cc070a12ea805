package dev.livesync.fs;

import java.util.function.Predicate;

/**
 * The options every {@link Watcher} takes, for the builders of {@link TreeWatcher} and
 * {@link FanotifyWatcher}. {@code B} is the builder itself, so that the calls chain.
 */
public abstract class WatcherBuilder<B extends WatcherBuilder<B>> {
  int mask = InotifyMask.IN_ALL_EVENTS;
  boolean recursive;
  boolean reportNewDirContents;
  Predicate<byte[]> excludeDir = p -> false;
  boolean hasExcludes;
  long readAhead;
  WatchErrorHandler onError = (dir, e) -> {
    throw e;
  };

  WatcherBuilder() {}

  /** The options as given, fixed for the watcher being built (and the parts it hands them to). */
  record Options(int mask, boolean recursive, boolean reportNewDirContents, Predicate<byte[]> excludeDir, boolean hasExcludes,
      WatchErrorHandler onError, long readAhead) {}

  final Options options() {
    return new Options(mask, recursive, reportNewDirContents, excludeDir, hasExcludes, onError, readAhead);
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** The events wanted (IN_* bits, which are fanotify's too); when recursive, tracking events are added to the kernel mask. */
  public B mask(int mask) {
    this.mask = mask;
    return self();
  }

  public B recursive(boolean recursive) {
    this.recursive = recursive;
    return self();
  }

  /** Deliver synthetic CREATE events for what a newly appeared directory already holds. */
  public B reportNewDirContents(boolean report) {
    this.reportNewDirContents = report;
    return self();
  }

  /** Directories (path without trailing slash) for which this is true are not watched, nor below. */
  public B excludeDir(Predicate<byte[]> exclude) {
    this.excludeDir = exclude;
    this.hasExcludes = true;
    return self();
  }

  /**
   * Up to this many bytes of the kernel's events are read by a thread of its own ahead of {@link
   * Watcher#poll}'s caller (0, the default: none, the caller reads the kernel's queue itself): the
   * kernel's queue then overflows only when the caller is that far behind.
   */
  public B readAhead(long bytes) {
    this.readAhead = bytes;
    return self();
  }

  /** What happens when a directory below a watched root cannot be watched (default: the error is thrown). */
  public B onWatchError(WatchErrorHandler handler) {
    this.onError = handler;
    return self();
  }
}
