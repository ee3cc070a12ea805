package dev.livesync.sync;

import dev.livesync.fs.WatchProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells how the setup of a sync's watches goes while it runs: every {@link #EVERY_MILLIS} in the log,
 * and as an estimate of the whole from the count the last start saved in the sync's state dir
 * ({@value #FILE}). On a tree of a million directories setting up inotify's watches takes minutes;
 * without this, a starting sync looks hung.
 */
final class WatchSetupLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchSetupLog.class);
  static final String FILE = "watched-dirs";
  static final long EVERY_MILLIS = 5000;

  private final String sync;
  private final Path stateDir;
  private final WatchProgress progress;
  private final Thread reporter;

  private WatchSetupLog(String sync, Path stateDir, WatchProgress progress) {
    this.sync = sync;
    this.stateDir = stateDir;
    this.progress = progress;
    progress.expect(lastCount(stateDir));
    this.reporter = Thread.ofVirtual().name("livesync-" + sync + "-watch-setup").start(this::report);
  }

  /** Starts telling about {@code progress}; {@link #close()} when the watches are set up (or failed). */
  static WatchSetupLog start(String sync, Path stateDir, WatchProgress progress) {
    return new WatchSetupLog(sync, stateDir, progress);
  }

  private void report() {
    try {
      while (true) {
        Thread.sleep(EVERY_MILLIS);
        if (progress.isDone()) return;
        log.info("sync '{}': setting up watches: {}", sync, progress.describe());
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** The setup ended: said once if it took long enough to have been told about, and its count saved for the next start. */
  @Override
  public void close() {
    boolean told = progress.elapsedNanos() >= EVERY_MILLIS * 1_000_000L;
    progress.done();
    reporter.interrupt();
    if (told) {
      log.info("sync '{}': watches set up: {} directories in {} s", sync, String.format("%,d", progress.watchedDirs()),
          progress.elapsedNanos() / 1_000_000_000L);
    }
    try {
      Files.writeString(stateDir.resolve(FILE), progress.watchedDirs() + "\n");
    } catch (IOException e) {
      log.debug("cannot save the watched directory count in {}: {}", stateDir, e.getMessage());
    }
  }

  private static long lastCount(Path stateDir) {
    try {
      return Long.parseLong(Files.readString(stateDir.resolve(FILE)).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
