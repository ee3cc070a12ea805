package dev.livesync.sync;

/**
 * A virtual machine error (out of memory, a stack overflow) in any engine thread. The process can no
 * longer be trusted to send, journal or even log correctly, and a worker thread that died with one
 * would leave its target waiting forever for a transfer that never ends: a half-alive process that
 * looks running. So it stops at once with exit code 70 (internal error): a service restarts it, and
 * the journal replays what was accepted but not sent.
 */
final class FatalErrors {
  static final int EXIT = 70;

  /** For the threads of the engine's pools: an error nothing caught ends the process. */
  static final Thread.UncaughtExceptionHandler HALT = (thread, e) -> halt(thread.getName(), e);

  private FatalErrors() {}

  /** Says what happened on stderr if it still can, then halts: no shutdown hook, nothing that needs memory. */
  static void halt(String thread, Throwable e) {
    try {
      System.err.println("livesync: " + e + " in thread " + thread + ": exiting with code " + EXIT + " (internal error)");
      e.printStackTrace();
    } catch (Throwable ignored) {
      // nothing more can be said
    }
    Runtime.getRuntime().halt(EXIT);
  }
}
