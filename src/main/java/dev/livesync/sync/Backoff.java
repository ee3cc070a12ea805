package dev.livesync.sync;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter, capped: attempt 1 waits about {@code base}, each further attempt
 * doubles it up to {@code cap}; the wait is drawn uniformly from [d/2, d] so that many daemons that
 * lost the same backup host do not come back in lock step.
 */
public record Backoff(long baseNanos, long capNanos, RandomGenerator random) {
  public long delayNanos(int attempt) {
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long d = baseNanos << shift;
    if (d <= 0 || d > capNanos) d = capNanos;
    long half = d / 2;
    return half + (half > 0 ? random.nextLong(half + 1) : 0);
  }
}
