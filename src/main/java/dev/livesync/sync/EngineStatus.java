package dev.livesync.sync;

import java.util.List;

/**
 * A read-only snapshot of one running sync (one source and its targets), for {@code livesync
 * status}. Published by the engine loop a few times a second; times are epoch milliseconds (0 =
 * never), durations milliseconds.
 *
 * @param name the sync's name (state dir, logs)
 * @param source the watched directory, for display
 * @param state {@code starting}, {@code running}, {@code failed} (the source is gone or was replaced:
 *     nothing is sent until it is back or livesync is restarted; or an internal error stopped the
 *     sync, and the process is exiting with code 70), {@code stopping} or {@code stopped}
 * @param watches inotify watches held by this sync
 * @param watchLimit the kernel's max_user_watches (shared by every process of the user)
 * @param pendingPaths changed paths not yet cut into a batch (held open files included)
 * @param overflows kernel queue overflows seen (each triggered a rescan)
 * @param unwatchedDirs directories (each with its subtree) that could not be watched, e.g. at the
 *     watch limit: changes there reach the targets only with a full sync (degraded mode; 0 = all watched)
 * @param problem why the sync is {@code failed} and what to do, or empty
 * @param setup while {@code starting}: how far the setup of the watches has come (directories
 *     watched, of about how many, rate), else empty
 * @param firstUnwatched the first directory that could not be watched, why (permission denied, the
 *     watch limit) and what to do, as the log said it; empty when every directory is watched
 * @param watcher {@code inotify} or {@code fanotify} (whose {@code watches} are marks, with no
 *     max_user_watches to share); empty while not yet chosen
 */
public record EngineStatus(
    String name,
    String source,
    String state,
    int watches,
    long watchLimit,
    long pendingPaths,
    long overflows,
    long unwatchedDirs,
    List<Target> targets,
    long snapshotMillis,
    String problem,
    String setup,
    String firstUnwatched,
    String watcher) {

  public EngineStatus(String name, String source, String state, int watches, long watchLimit, long pendingPaths, long overflows,
      long unwatchedDirs, List<Target> targets, long snapshotMillis) {
    this(name, source, state, watches, watchLimit, pendingPaths, overflows, unwatchedDirs, targets, snapshotMillis, "", "", "", "");
  }

  public EngineStatus(String name, String source, String state, int watches, long watchLimit, long pendingPaths, long overflows,
      long unwatchedDirs, List<Target> targets, long snapshotMillis, String problem) {
    this(name, source, state, watches, watchLimit, pendingPaths, overflows, unwatchedDirs, targets, snapshotMillis, problem, "", "", "");
  }

  /**
   * @param target the target, as {@code Transport.describe()} (never a password)
   * @param state {@code ok}, {@code syncing} (initial/full sync running), {@code retrying} (target
   *     failing, backing off) or {@code failed} (authentication/usage error: an operator must act)
   * @param queuedItems work items waiting or running
   * @param queuedPaths paths in those items
   * @param inFlight items running now (one rsync each)
   * @param lastSuccessMillis when an item last arrived
   * @param lagMillis age of the oldest change not yet at this target (0 when caught up)
   * @param failures failed attempts since start
   * @param lastError the last failure's message, or empty
   * @param lastErrorMillis when that failure happened (0 = never)
   * @param nextAttemptMillis when a retry is due while backing off, else 0
   * @param queuedBytes file data in the queued sends (as stat saw it when the batch was cut)
   * @param journalItems work items recorded in the journal and not yet done (replayed after a crash)
   * @param lastExitCode rsync's exit code of the last failure, or -1 (none, or no rsync exit: interrupted; not in the JSON then)
   * @param lastExitMeaning that code in words, as rsync's manual gives it, or empty (not in the JSON then)
   * @param deletionsHeld paths whose deletion the mass-deletion guard holds (0: none; see
   *     {@code livesync release-deletes})
   * @param warning a standing condition of the target the operator should fix ({@link
   *     dev.livesync.transport.Transport#warning}), or empty
   * @param fullSyncProgress while a full sync runs ({@code syncing}): its last progress line, in
   *     rsync's progress2 shape (bytes, percent, rate, elapsed, files sent, entries left to check of
   *     the total; a full sync in parts adds the parts done), as the terminal shows it; else empty
   */
  public record Target(
      String target,
      String state,
      int queuedItems,
      long queuedPaths,
      int inFlight,
      long lastSuccessMillis,
      long lagMillis,
      long deliveredFiles,
      long deliveredBytes,
      long failures,
      String lastError,
      long lastErrorMillis,
      long nextAttemptMillis,
      long queuedBytes,
      int journalItems,
      int lastExitCode,
      String lastExitMeaning,
      long deletionsHeld,
      String warning,
      String fullSyncProgress) {

    /** A target whose full sync, if one runs, has said nothing of its progress yet. */
    public Target(String target, String state, int queuedItems, long queuedPaths, int inFlight, long lastSuccessMillis, long lagMillis,
        long deliveredFiles, long deliveredBytes, long failures, String lastError, long lastErrorMillis, long nextAttemptMillis,
        long queuedBytes, int journalItems, int lastExitCode, String lastExitMeaning, long deletionsHeld, String warning) {
      this(target, state, queuedItems, queuedPaths, inFlight, lastSuccessMillis, lagMillis, deliveredFiles, deliveredBytes, failures,
          lastError, lastErrorMillis, nextAttemptMillis, queuedBytes, journalItems, lastExitCode, lastExitMeaning, deletionsHeld, warning, "");
    }

    /** A target without held deletions or a warning. */
    public Target(String target, String state, int queuedItems, long queuedPaths, int inFlight, long lastSuccessMillis, long lagMillis,
        long deliveredFiles, long deliveredBytes, long failures, String lastError, long lastErrorMillis, long nextAttemptMillis,
        long queuedBytes, int journalItems, int lastExitCode, String lastExitMeaning) {
      this(target, state, queuedItems, queuedPaths, inFlight, lastSuccessMillis, lagMillis, deliveredFiles, deliveredBytes, failures,
          lastError, lastErrorMillis, nextAttemptMillis, queuedBytes, journalItems, lastExitCode, lastExitMeaning, 0, "");
    }
  }
}
