package dev.livesync.fs;

/** Receives one watch: its descriptor and its %w path (a directory's ends in '/'). */
@FunctionalInterface
public interface WatchVisitor {
  void watch(int wd, byte[] path);
}
