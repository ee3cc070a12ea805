package dev.livesync.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What writes the bench's files into the source (the JVM's own generator or an outside process), and what it wrote. */
abstract class Load {
  /** The files a load writes: into {@code root}, of a random size in [minSize, maxSize], a new subdirectory every {@code perDir}. */
  record Shape(Path root, int minSize, int maxSize, int perDir) {}

  final Shape shape;
  /** Paths relative to the source, in the order they were closed. */
  final List<String> written = new ArrayList<>();
  /** When each path was closed, System.nanoTime (CLOCK_MONOTONIC). */
  final Map<String, Long> closedAt = new ConcurrentHashMap<>();
  long bytes;
  /** System.nanoTime when the first file was begun (after any start-up of the writer). */
  long startedAt;

  Load(Shape shape) {
    this.shape = shape;
  }

  /** Writes {@code rate} files per second for {@code seconds}; returns the System.nanoTime it finished. */
  abstract long run(double rate, double seconds) throws IOException;

  final void closed(String rel, long atNanos, long size) {
    closedAt.put(rel, atNanos);
    written.add(rel);
    bytes += size;
  }

  final List<String> written() {
    return written;
  }

  final Map<String, Long> closedAt() {
    return closedAt;
  }

  final long bytes() {
    return bytes;
  }

  final long startedAt() {
    return startedAt;
  }
}
