package dev.livesync.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** What writes the bench's files into the source: the JVM's own generator or an outside process. */
interface Load {
  /** Writes {@code rate} files per second for {@code seconds}; returns the System.nanoTime it finished. */
  long run(double rate, double seconds) throws IOException;

  /** Paths relative to the source, in the order they were closed. */
  List<String> written();

  /** When each path was closed, System.nanoTime (CLOCK_MONOTONIC). */
  Map<String, Long> closedAt();

  long bytes();

  /** System.nanoTime when the first file was begun (after any start-up of the writer). */
  long startedAt();
}
