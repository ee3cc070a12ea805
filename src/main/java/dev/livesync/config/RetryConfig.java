package dev.livesync.config;

import java.time.Duration;

/** Backoff after a failed transfer: starts at {@code initial}, doubles (with jitter) up to {@code max}. */
public record RetryConfig(Duration initial, Duration max) {
  public static final RetryConfig DEFAULT = new RetryConfig(Duration.ofSeconds(1), Duration.ofSeconds(60));
}
