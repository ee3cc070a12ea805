package dev.livesync.server;

import dev.livesync.settings.Versions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code serve} does in its modules besides running the daemon: prunes the versions clients
 * keep there ({@code --versions}: older than that go, checked every hour) and takes and prunes
 * hard-link snapshots ({@code --snapshots}, see {@link Snapshots}). One thread, a look once a
 * minute; {@link #tick()} does one round (tests call it with their own clock).
 */
public final class Housekeeping implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);
  static final Duration PRUNE_EVERY = Duration.ofHours(1);
  private static final long LOOK_EVERY_MILLIS = 60_000;

  private final ServeSpec spec;
  private final Clock clock;
  private Thread thread;
  private Instant lastPrune;

  Housekeeping(ServeSpec spec, Clock clock) {
    this.spec = spec;
    this.clock = clock;
  }

  /** Starts the thread, or returns null when the spec asks for neither versions pruning nor snapshots. */
  public static Housekeeping start(ServeSpec spec, Clock clock) {
    if (spec.versions() == null && spec.snapshots() == null) return null;
    Housekeeping h = new Housekeeping(spec, clock);
    h.thread = Thread.ofVirtual().name("serve-housekeeping").start(h::loop);
    return h;
  }

  private void loop() {
    try {
      while (true) {
        tick();
        Thread.sleep(LOOK_EVERY_MILLIS);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  /** One round: prunes versions when an hour has passed since the last time, takes a snapshot when one is due, prunes snapshots. */
  void tick() throws InterruptedException {
    Instant now = clock.instant();
    boolean prune = spec.versions() != null && (lastPrune == null || !now.isBefore(lastPrune.plus(PRUNE_EVERY)));
    if (prune) lastPrune = now;
    for (ServeModule m : spec.modules()) {
      try {
        if (prune) {
          int n = Versions.pruneLocal(m.path(), now.minus(spec.versions()));
          if (n > 0) log.info("module {}: pruned {} version directories older than {}", m.name(), n, spec.versions());
        }
        if (spec.snapshots() != null) {
          if (Snapshots.due(Snapshots.list(m.path()), now, spec.snapshots())) {
            var dir = Snapshots.take(m.path(), now);
            log.info("module {}: snapshot {}", m.name(), dir);
          }
          int n = Snapshots.prune(m.path(), spec.snapshots());
          if (n > 0) log.info("module {}: {} snapshots beyond {} deleted", m.name(), n, spec.snapshots());
        }
      } catch (java.io.IOException | RuntimeException e) {
        log.warn("module {}: housekeeping failed: {}", m.name(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    if (thread == null) return;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
