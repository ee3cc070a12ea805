package dev.livesync.sync;

import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.Transport;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The looks at a target beside its work, on its workers. While it backs off from an unreachable
 * target, {@link TargetHealth}'s probe (a TCP connect) about once a second. And while it is idle —
 * nothing delivered to it or tried for {@link #EVERY_NANOS} — one {@link Transport#check()} (an rsync
 * listing of its top directory, through the sync's own options): a backup host that dies on a quiet
 * tree shows as retrying, with rsync's reason, within about that long, not at the next change. While
 * it backs off with nothing queued, every attempt due is such a look (with work queued the work is the
 * attempt), and one that answers ends the backoff. Remote targets only ({@link Transport#canCheck()}).
 * Loop thread only.
 */
final class IdleCheck {
  private static final Logger log = LoggerFactory.getLogger(TargetRunner.class);
  /** How long a target must have been idle before it is looked at (and between two looks while it stays idle and up). */
  static final long EVERY_NANOS = 60_000_000_000L;

  private final Transport transport;
  private final String name;
  private final Clock clock;
  private final TargetHealth health;
  private final TargetStats stats;
  private final Runnable resync;
  private long lastActivityNanos;
  /** Counts items started and ended: a look's failure is not taken when one ran meanwhile (its own result tells). */
  private long activity;
  private boolean inFlight;

  /** {@code resync}: queues a full sync, for a target whose directory is gone. */
  IdleCheck(Transport transport, String name, Clock clock, TargetHealth health, TargetStats stats, Runnable resync) {
    this.resync = resync;
    this.transport = transport;
    this.name = name;
    this.clock = clock;
    this.health = health;
    this.stats = stats;
    this.lastActivityNanos = clock.nanos();
  }

  /** An item started or ended. */
  void active() {
    activity++;
    lastActivityNanos = clock.nanos();
  }

  /** Whether an idle look should start now (the caller knows the target has nothing queued or running). */
  boolean due(long now) {
    return transport.canCheck() && !inFlight && (health.backingOff() ? health.attemptDue(now) : now - lastActivityNanos >= EVERY_NANOS);
  }

  /** When the next idle look is due while up, or -1 (none: the transport cannot tell, or one runs). */
  long dueNanos() {
    return transport.canCheck() && !inFlight && !health.backingOff() ? lastActivityNanos + EVERY_NANOS : -1;
  }

  /** Starts a look on {@code workers}; its result comes back through {@code loop}, then {@code changed} runs there. */
  void start(Executor workers, Executor loop, Runnable changed) {
    inFlight = true;
    lastActivityNanos = clock.nanos();
    long mark = activity;
    workers.execute(() -> {
      TransferResult r;
      try {
        r = transport.check();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // shutting down
        return;
      } catch (RuntimeException e) {
        log.debug("{}: idle check threw", name, e);
        loop.execute(() -> inFlight = false);
        return;
      }
      TransferResult result = r;
      loop.execute(() -> {
        inFlight = false;
        seen(result, mark);
        changed.run();
      });
    });
  }

  private void seen(TransferResult r, long mark) {
    long now = clock.nanos();
    if (r == null) {
      if (health.backingOff()) {
        log.info("{}: answers again after {} failed attempts; ok", name, health.retryAttempts());
        health.succeeded();
      }
      return;
    }
    if (r == Transport.DIRECTORY_GONE) { // it answers: no failure, but what was there is gone
      if (health.backingOff()) health.succeeded();
      log.warn("{}: its directory is not there (deleted on the backup host?): a full sync makes it again and sends the whole source", name);
      resync.run();
      return;
    }
    if (activity != mark) return; // an item ran meanwhile: its own result says how the target is
    boolean wasUp = !health.backingOff();
    stats.failed(r, clock.epochMillis());
    long wait = health.failed(r.outcome() == Outcome.FATAL, now);
    log.atLevel(wasUp ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO).log("{}: {}{}: {}; looking again in {} ms",
        name, wasUp ? "idle, and does not answer" : "still does not answer", r.exitSaid(), r.messageLine(), wait / 1_000_000);
  }

  /** While backing off from an unreachable target: {@link Transport#probe} on {@code workers}, its answer to {@link TargetHealth}. */
  void probe(Executor workers, Executor loop, Runnable changed) {
    health.probeStarted();
    workers.execute(() -> {
      Transport.Reachability seen;
      try {
        seen = transport.probe();
      } catch (RuntimeException e) {
        seen = Transport.Reachability.UNKNOWN;
      }
      Transport.Reachability result = seen;
      loop.execute(() -> {
        changed.run();
        health.probed(result, clock.nanos());
      });
    });
  }
}
