package dev.livesync;

/**
 * The exit codes of every livesync command: one table, written down in docs/operations.md ("Exit
 * codes"). A command that fails throws a {@link LivesyncException} carrying one of these; the codes
 * above 63 are the BSD sysexits ones, so systemd and shell scripts read them the usual way.
 */
public final class Exit {
  private Exit() {}

  /** Done; run and serve: stopped by SIGTERM/SIGINT; a check: everything passed. */
  public static final int OK = 0;
  /** A check found a problem (doctor FAIL, verify drift or an unreadable source path, status of a failed sync), or start/stop could not do it. */
  public static final int FAILED = 1;
  /** The command line or a value is wrong, or what it names is (missing or unreadable source, a target inside it). */
  public static final int USAGE = 2;
  /** status: no livesync answers (as systemctl status). */
  public static final int NOT_RUNNING = 3;
  /**
   * status (and release-deletes): a livesync holds the status socket but does not answer within a few
   * seconds (stopped with SIGSTOP, hung): LSB's "status unknown".
   */
  public static final int NO_ANSWER = 4;
  /** A target refused us at start (authentication, unknown module): retrying would not help. */
  public static final int TARGET_REFUSED = 5;
  /** A program or a target livesync needs is not available: rsync missing; verify could not compare with a target. */
  public static final int UNAVAILABLE = 69;
  /** A bug: livesync stopped on an internal error (the log has the trace). */
  public static final int INTERNAL = 70;
  /** Cannot write what livesync keeps: the state dir and its journal, the log file, the status socket. */
  public static final int CANNOT_WRITE = 73;
  /** Another livesync already runs the same sync (its state dir is locked) or answers on the same socket. */
  public static final int ALREADY_RUNNING = 75;
  /** The config file is wrong (located FILE:LINE:COL). */
  public static final int CONFIG = 78;
  /** Interrupted while waiting (Ctrl-C during start or stop). */
  public static final int INTERRUPTED = 130;

  /**
   * What {@code run} and {@code serve} exit with when only an operator can help: a bad command line
   * or config, a target that refused us (wrong password, unknown module), rsync missing. A service
   * is not restarted on them (the unit's {@code RestartPreventExitStatus=}): it would fail the same
   * way every few seconds. Not here: what a restart may get past (the state dir or the log not
   * writable yet, another livesync that still holds the sync, an internal error).
   */
  public static final java.util.List<Integer> OPERATOR_MUST_ACT = java.util.List.of(USAGE, TARGET_REFUSED, UNAVAILABLE, CONFIG);
}
