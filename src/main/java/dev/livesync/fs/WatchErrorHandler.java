package dev.livesync.fs;

/** Decides what happens when a directory below a watched root cannot be watched. */
@FunctionalInterface
public interface WatchErrorHandler {
  /** Called for a directory that could not be watched; throw to abort, return to skip it. */
  void onWatchError(byte[] dir, NativeException error);
}
