package dev.livesync.sync;

import dev.livesync.settings.Key;
import java.util.Locale;

/**
 * What a start does for each target ({@code startup}, {@code --startup}): {@link #CHANGES} sends only
 * what changed at the source since the last clean stop, where one is recorded for the target and
 * still fits ({@link CleanStop}), else a full sync; {@link #FULL} always runs the full sync.
 */
public enum StartupMode {
  CHANGES,
  FULL;

  /** {@code changes} or {@code full}, checked by {@link Key#STARTUP}. */
  public static StartupMode parse(String word) {
    return valueOf(Key.STARTUP.choice(word).toUpperCase(Locale.ROOT));
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
