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

  /**
   * Looks again when a second has passed since the last look, or at once when {@code rootWent} (the
   * source's own watch said it was moved or deleted: {@link SourceEvents#takeRootWent}); true when what
   * it found changed (said in the log). A path that still leads to the same directory (the directory
   * renamed and a symlink to it put in its place) is then said to be back: the ERROR of the watch
   * stood alone before, saying nothing was sent, while it was.
   */
  boolean changed(long now, boolean rootWent) {
    if (rootWent) {
      cause = WATCH_SAID_GONE;
      nextNanos = now;
    }
    if (now < nextNanos) return false;
    nextNanos = now + EVERY_NANOS;
    String p = root.problem();
    if (p.equals(cause)) return false;
    cause = p;
    if (p.isEmpty()) {
      log.warn("sync '{}': source {} is back: watching it anew and queueing a full sync to every target", sync, Bytes.display(root.path()));
    } else {
      p += ": nothing is sent from it, the targets keep what they have. Put the old directory back (or mount it), "
          + "or, if the new one is the source now, restart livesync (systemctl restart livesync, or livesync stop and start): "
          + "its initial full sync then makes the targets equal to the new directory; if that would delete every entry on a target"
          + " (the new directory is empty, or another tree), or more than max_delete allows, the mass-deletion guard holds those"
          + " deletions until you run 'livesync release-deletes " + sync + "'";
      log.error("sync '{}': {}", sync, p);
    }
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
