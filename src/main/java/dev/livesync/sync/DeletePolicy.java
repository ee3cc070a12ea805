package dev.livesync.sync;

import dev.livesync.settings.Key;
import java.util.Locale;

/**
 * When deletions at the source remove files at the target, as lsyncd users know it: {@code always}
 * (startup sync and live events), {@code startup} (only the initial full sync deletes extras),
 * {@code running} (only live events delete; the initial sync does not), {@code never}.
 */
public enum DeletePolicy {
  ALWAYS,
  STARTUP,
  RUNNING,
  NEVER;

  /** The full syncs at start and of the schedule delete target files that the source does not have. */
  public boolean atStartup() {
    return this == ALWAYS || this == STARTUP;
  }

  /**
   * Live deletes are carried to the target: events, and the full syncs that stand in for events not
   * seen (an overflow's rescan, the source back, a watch limit raised).
   */
  public boolean whileRunning() {
    return this == ALWAYS || this == RUNNING;
  }

  /** The policy named {@code s} ({@link Key#DELETE}'s rule). */
  public static DeletePolicy parse(String s) {
    return valueOf(Key.DELETE.choice(s).toUpperCase(Locale.ROOT));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
