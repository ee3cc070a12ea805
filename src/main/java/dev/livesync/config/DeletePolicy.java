package dev.livesync.config;

/** When target files that no longer exist at the source are deleted (lsyncd's {@code delete}). */
public enum DeletePolicy {
  /** At the initial full sync and for deletions while running (default). */
  ALWAYS,
  /** Only at the initial full sync (and scheduled/rescan full syncs); deletions while running are not replicated. */
  STARTUP,
  /** Only deletions seen while running; the initial full sync keeps target extras. */
  RUNNING,
  /** Never: the target only accumulates. */
  NEVER;

  /** Whether a full sync (start, overflow rescan, schedule) passes --delete. */
  public boolean deleteOnFullSync() {
    return this == ALWAYS || this == STARTUP;
  }

  /** Whether deletions seen as events are sent to the target. */
  public boolean deleteWhileRunning() {
    return this == ALWAYS || this == RUNNING;
  }

  public String configName() {
    return name().toLowerCase();
  }
}
