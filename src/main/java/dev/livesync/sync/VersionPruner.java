package dev.livesync.sync;

import dev.livesync.transport.Transport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes versions older than each target's {@code versions} duration, at the start and every
 * {@link #EVERY}, on a virtual thread of its own (a prune walks the target's version directories).
 */
final class VersionPruner {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  /** How often old versions are pruned on local and ssh targets (and once at the start). */
  static final Duration EVERY = Duration.ofHours(1);

  private final List<Transport> transports;
  private final Clock clock;
  private final Thread thread;

  private VersionPruner(String sync, List<Transport> transports, Clock clock) {
    this.transports = transports;
    this.clock = clock;
    this.thread = Thread.ofVirtual().name("livesync-" + sync + "-prune").unstarted(this::run);
  }

  static VersionPruner start(String sync, List<Transport> transports, Clock clock) {
    var p = new VersionPruner(sync, transports, clock);
    p.thread.start();
    return p;
  }

  private void run() {
    try {
      while (true) {
        for (Transport t : transports) {
          try {
            int n = t.pruneVersions(Instant.ofEpochMilli(clock.epochMillis()));
            if (n > 0) log.info("{}: pruned {} old version directories", t.describe(), n);
          } catch (RuntimeException e) {
            log.warn("{}: pruning old versions failed: {}", t.describe(), e.toString());
          }
        }
        Thread.sleep(EVERY.toMillis());
      }
    } catch (InterruptedException e) {
      // stopping
    }
  }

  /** Interrupts a prune under way (and the wait for the next) and waits up to 5 s for the thread to end. */
  void stop() {
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
