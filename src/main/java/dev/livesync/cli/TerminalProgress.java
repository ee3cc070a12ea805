package dev.livesync.cli;

import dev.livesync.sync.DeliveryListener;
import dev.livesync.sync.WorkItem;
import dev.livesync.transport.TransferResult;
import java.io.PrintStream;

/**
 * On a terminal, a full sync's progress (bytes, percent, rate, elapsed, files to check) on one line
 * of stderr that rewrites itself, cleared when the sync is done. Only on a terminal ({@link
 * #forStderr()} is null when stderr is a file or journald). Everything else written to stderr — the
 * log — goes through {@link #clearingStream}: the progress line is cleared before it and shown again
 * below it, so a log line never runs on from the progress line.
 */
final class TerminalProgress implements DeliveryListener {
  private final PrintStream err;
  private boolean showing;
  private String lastLine = "";

  TerminalProgress(PrintStream err) {
    this.err = err;
  }

  /** A listener that shows progress if stderr is a terminal, else {@link DeliveryListener#NONE}. */
  static TerminalProgress forStderr() {
    java.io.Console c = System.console();
    if (c == null || !c.isTerminal()) return null;
    var p = new TerminalProgress(System.err);
    System.setErr(p.clearingStream()); // the log's console appender writes to System.err as it is at each line
    return p;
  }

  /** A stream onto this one's: the progress line is cleared before each write, and shown again after a write that ends a line. */
  PrintStream clearingStream() {
    return new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (TerminalProgress.this) {
          if (showing) err.print("\r\033[K");
          err.write(b, off, len);
          if (showing && (len == 0 || b[off + len - 1] != '\n')) showing = false; // a line left open: the next progress line takes over
          if (showing) err.print(lastLine);
          err.flush();
        }
      }
    }, true);
  }

  @Override
  public boolean wantsProgress() {
    return true;
  }

  @Override
  public synchronized void fullSyncProgress(String target, String line) {
    lastLine = target + ": full sync " + line;
    err.print("\r\033[K" + lastLine);
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
