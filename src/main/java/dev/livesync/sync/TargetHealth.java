package dev.livesync.sync;

import dev.livesync.transport.Transport;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a target can be tried now. After a RETRY or FATAL result the target backs off
 * (exponential, jitter, capped; FATAL on the slower schedule); while it backs off from an
 * unreachable target (RETRY, not FATAL: auth and config are an operator's job) {@link Transport#probe}
 * looks every {@link #PROBE_INTERVAL_NANOS} whether it answers again, and a DOWN followed by an UP
 * ends the backoff at once. A success ends it too. Loop thread only.
 */
final class TargetHealth {
  private static final Logger log = LoggerFactory.getLogger(TargetRunner.class);
  /**
   * While backing off from an unreachable target, how often {@link Transport#probe} looks whether it
   * answers again (a TCP connect): a target back from an outage is tried within about this long,
   * not after the rest of a backoff that may have grown to a minute.
   */
  static final long PROBE_INTERVAL_NANOS = 1_000_000_000L;

  private final String name;
  private final Backoff retry;
  private final Backoff fatalRetry;
  private boolean backingOff;
  private long nextAttemptNanos;
  private int retryAttempts;
  private boolean failedFatally;
  /** Probing while backing off: only after RETRY (unreachable), not FATAL. */
  private boolean probing;
  private boolean probeInFlight;
  /** A probe saw the target DOWN during this backoff: an UP after it means it came back. */
  private boolean probeSawDown;
  private long nextProbeNanos;
  /** The transport cannot tell (a local directory): never probed again. */
  private boolean probeUseless;

  TargetHealth(String name, Backoff retry, Backoff fatalRetry) {
    this.name = name;
    this.retry = retry;
    this.fatalRetry = fatalRetry;
  }

  /** True while the target is down: its last attempt failed and the next waits for a backoff. */
  boolean backingOff() {
    return backingOff;
  }

  boolean failedFatally() {
    return failedFatally;
  }

  /** Failed attempts since the last success. */
  int retryAttempts() {
    return retryAttempts;
  }

  long nextAttemptNanos() {
    return nextAttemptNanos;
  }

  /** While backing off: whether the backoff is over, so that one item may be tried. */
  boolean attemptDue(long now) {
    return now >= nextAttemptNanos;
  }

  /** While backing off: whether a probe should start now. */
  boolean probeDue(long now) {
    return probing && !probeInFlight && now >= nextProbeNanos;
  }

  /** While backing off: when the backoff ends or the next probe is due. */
  long nextWakeNanos() {
    return probing && !probeInFlight ? Math.min(nextAttemptNanos, nextProbeNanos) : nextAttemptNanos;
  }

  void probeStarted() {
    probeInFlight = true;
  }

  /** A probe's answer: a DOWN followed by an UP ends the backoff now; UNKNOWN stops probing for good. */
  void probed(Transport.Reachability seen, long now) {
    probeInFlight = false;
    nextProbeNanos = now + PROBE_INTERVAL_NANOS;
    if (!backingOff) return;
    switch (seen) {
      case DOWN -> probeSawDown = true;
      case UNKNOWN -> {
        probing = false;
        probeUseless = true;
      }
      case UP -> {
        if (probeSawDown && now < nextAttemptNanos) {
          log.info("{}: answers again; trying now instead of in {} ms", name, (nextAttemptNanos - now) / 1_000_000);
          nextAttemptNanos = now;
        }
        probeSawDown = false;
      }
    }
  }

  /** An item arrived: the backoff, if any, is over. */
  void succeeded() {
    backingOff = false;
    probing = false;
    probeSawDown = false;
    retryAttempts = 0;
    failedFatally = false;
  }

  /** An attempt failed (RETRY, or FATAL when {@code fatal}): backs off; returns the wait. */
  long failed(boolean fatal, long now) {
    retryAttempts++;
    failedFatally |= fatal;
    long wait = (fatal ? fatalRetry : retry).delayNanos(retryAttempts);
    backingOff = true;
    nextAttemptNanos = now + wait;
    if (!probing && !fatal) probeSawDown = false;
    probing = !fatal && !probeUseless;
    nextProbeNanos = now + PROBE_INTERVAL_NANOS;
    return wait;
  }
  /** How many of the queue's startable items an attempt while backing off chooses from. */
  static final int ATTEMPT_CHOICES = 8;

  /**
   * The one item an attempt while backing off runs, of the first few that may start (in queue order,
   * none claiming another's paths, so any may go first): the first, unless it failed twice already
   * (the target answers, but refuses that item), then the one tried least. Always the first, a send
   * the target keeps refusing (a file too big for the space left) held every other item back, and
   * with it the deletions at the source that would have made the room.
   */
  static List<List<TargetQueue.Task>> attempt(List<List<TargetQueue.Task>> startable) {
    if (startable.isEmpty() || startable.getFirst().getFirst().attempts < 2) return startable.isEmpty() ? List.of() : List.of(startable.getFirst());
    List<TargetQueue.Task> best = null;
    for (List<TargetQueue.Task> g : startable) if (best == null || g.getFirst().attempts < best.getFirst().attempts) best = g;
    return best == null ? List.of() : List.of(best);
  }
}
