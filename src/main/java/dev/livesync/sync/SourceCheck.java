package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second: is the source still the directory the sync started on ({@link SourceRoot})? One
 * moved away and replaced (or unmounted) gives no event — the watches follow the old directory — so
 * without this the sync would look healthy while nothing of the new one ships. Nothing is sent
 * meanwhile ({@link SourceGuard}); the sync is {@code failed} until the old directory is back.
 */
final class SourceCheck {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  private static final long EVERY_NANOS = 1_000_000_000L;

  private final String sync;
  private final SourceRoot root;
  private volatile String problem = "";
  private String cause = "";
  private long nextNanos;

  SourceCheck(String sync, SourceRoot root) {
    this.sync = sync;
    this.root = root;
  }

  /** What the source's own watch said (it was moved or deleted) until a look finds out what its path leads to now. */
  private static final String WATCH_SAID_GONE = "its watch said it went";

  /** How the source's own watch said it went ("deleted or moved away"), until the next line in the log says it; null: it did not. */
  private String watchSaid;

  /**
   * Looks again when a second has passed since the last look, or at once when {@code rootWent} is
   * not null (the source's own watch said it was moved or deleted, and how: {@link
   * SourceEvents#takeRootWent}); true when what it found changed (said in the log, in one line with
   * what the watch said: two ERRORs for one directory gone read as two problems). A path that still
   * leads to the same directory (the directory renamed and a symlink to it put in its place) is then
   * said to be back: an ERROR of the watch alone would say nothing was sent, while it was.
   */
  boolean changed(long now, String rootWent) {
    if (rootWent != null) {
      cause = WATCH_SAID_GONE;
      watchSaid = rootWent;
      nextNanos = now;
    }
    if (now < nextNanos) return false;
    nextNanos = now + EVERY_NANOS;
    String p = root.problem();
    if (p.equals(cause)) return false;
    cause = p;
    String shown = Bytes.display(root.path());
    if (p.isEmpty()) {
      log.warn("sync '{}': source {} is back: watching it anew and queueing a full sync to every target{}", sync, shown,
          watchSaid == null ? "" : " (its watch said it was " + watchSaid + ", but its path leads to that directory again)");
    } else {
      String said = watchSaid == null ? ""
          : "; it was " + watchSaid + ": of what was deleted inside it before (as by rm -rf), only what was sent before it went"
              + " reached the targets (within the mass-deletion guard's limit), the rest stays there; other syncs continue";
      String advice = ". Put the old directory back (or mount it): replication goes on by itself; "
          + "or, if the new one is the source now, restart livesync (systemctl restart livesync, or livesync stop and start): "
          + "its initial full sync then makes the targets equal to the new directory; if that would delete every entry on a target"
          + " (the new directory is empty, or another tree), or more than max_delete allows, the mass-deletion guard holds those"
          + " deletions until you run 'livesync release-deletes " + sync + "'";
      p += ": nothing is sent from it, the targets keep what they have";
      log.error("sync '{}': {}{}{}", sync, p, said, advice);
      p += advice;
    }
    watchSaid = null;
    problem = p;
    return true;
  }

  /** The engine stopped (an internal error): said as the sync's problem from now on. */
  void stopped(String why) {
    problem = why;
  }

  /** Empty while the source is the one the sync started on, else what is wrong and what to do; safe from any thread. */
  String problem() {
    return problem;
  }
}
