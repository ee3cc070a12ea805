package dev.livesync.cli;

import dev.livesync.sync.DeliveryListener;
import dev.livesync.sync.WorkItem;
import dev.livesync.transport.TransferResult;
import java.io.PrintStream;

/**
 * On a terminal, a full sync's progress (bytes, percent, rate, elapsed, files to check) on one line
 * of stderr that rewrites itself, cleared when the sync is done. Only on a terminal ({@link
 * #forStderr()} is null when stderr is a file or journald).
 */
final class TerminalProgress implements DeliveryListener {
  private final PrintStream err;
  private boolean showing;

  private TerminalProgress(PrintStream err) {
    this.err = err;
  }

  /** A listener that shows progress if stderr is a terminal, else {@link DeliveryListener#NONE}. */
  static TerminalProgress forStderr() {
    java.io.Console c = System.console();
    return c != null && c.isTerminal() ? new TerminalProgress(System.err) : null;
  }

  @Override
  public boolean wantsProgress() {
    return true;
  }

  @Override
  public synchronized void fullSyncProgress(String target, String line) {
    err.print("\r\033[K" + target + ": full sync " + line);
    err.flush();
    showing = true;
  }

  /** Clears the progress line, if one is showing (before other output). */
  synchronized void clear() {
    if (!showing) return;
    err.print("\r\033[K");
    err.flush();
    showing = false;
  }

  @Override
  public synchronized void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {
    if (item instanceof WorkItem.FullSync) clear();
  }
}
