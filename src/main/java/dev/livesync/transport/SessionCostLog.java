package dev.livesync.transport;

import dev.livesync.fs.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sync's look at what an rsync run's session costs on an ssh target ({@link SessionCost}),
 * in the log and in {@code status}: a warning when the remote login shell's startup files make every
 * run wait, so a sync that is always behind says why without anyone running {@code doctor}. While
 * the warning stands the look is taken again every {@link #AGAIN}, so a fixed {@code ~/.bashrc}
 * clears it without a restart.
 *
 * <p>The look runs on a virtual thread of its own, beside the runs, and only through the connection
 * master (its command line gives ssh no way to log in by itself): it never costs a login. A look that
 * gets no answer (the master not yet authenticated, its sessions all taken) is taken again
 * {@link #RETRY} later; after {@link #TRIES} such looks in a row it stops. {@link #close()} kills
 * one in flight.
 */
final class SessionCostLog {
  private static final Logger log = LoggerFactory.getLogger(RsyncTransport.class);
  static final Duration RETRY = Duration.ofSeconds(2);
  static final Duration AGAIN = Duration.ofMinutes(5);
  static final int TRIES = 5;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String describe;
  private final Supplier<List<String>> argv;
  private final Duration retry;
  private final Duration again;
  private boolean started;
  private boolean closed;
  private Thread running;
  private ChildProcess probe;
  private volatile String warning = "";

  /** {@code argv}: the ssh command line of one look, asked again for each. */
  SessionCostLog(String describe, Supplier<List<String>> argv) {
    this(describe, argv, RETRY, AGAIN);
  }

  /** {@code retry}: how soon after an unanswered look; {@code again}: how soon while the warning stands. */
  SessionCostLog(String describe, Supplier<List<String>> argv, Duration retry, Duration again) {
    this.describe = describe;
    this.argv = argv;
    this.retry = retry;
    this.again = again;
  }

  /** Starts the looks, the first time only. Never waits. */
  synchronized void look() {
    if (started || closed) return;
    started = true;
    running = Thread.ofVirtual().name("ssh-session-cost").start(this::run);
  }

  private void run() {
    try {
      int unanswered = 0;
      while (true) {
        synchronized (this) {
          if (closed) return;
        }
        SessionCost cost = SessionCost.measure(argv.get(), TIMEOUT, this::started);
        synchronized (this) {
          probe = null;
          if (closed) return;
        }
        if (cost == null) {
          if (++unanswered >= TRIES) {
            log.debug("{}: no ssh session answered the look at what one costs", describe);
            return;
          }
          Thread.sleep(retry);
          continue;
        }
        unanswered = 0;
        report(cost);
        if (!cost.slowShell()) return;
        Thread.sleep(again);
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  private synchronized void started(ChildProcess p) {
    probe = p;
    if (closed) p.kill();
  }

  /** For {@code status}: the slow login shell the look found, in one line; empty when none (or not yet). */
  String warning() {
    return warning;
  }

  private void report(SessionCost cost) {
    boolean stood = !warning.isEmpty();
    if (cost.slowShell()) {
      warning = cost.waits() + " (see 'livesync doctor')";
      if (stood) return;
      log.warn("{}: {} (a session opens in {} s); {}; 'livesync doctor' measures it again", describe, cost.waits(),
          SessionCost.seconds(cost.total()), SessionCost.FIX);
    } else {
      warning = "";
      if (stood) {
        log.info("{}: the remote login shell no longer slows the runs (a session opens in {} s)", describe, SessionCost.seconds(cost.total()));
        return;
      }
      log.debug("{}: an ssh session opens in {} s (the login shell's start: {})", describe, SessionCost.seconds(cost.total()),
          cost.shellStartup() == null ? "not known" : SessionCost.seconds(cost.shellStartup()) + " s");
    }
  }

  /** Kills a look in flight and takes no more; idempotent. */
  void close() {
    ChildProcess p;
    Thread t;
    synchronized (this) {
      closed = true;
      p = probe;
      t = running;
    }
    if (p != null) p.kill();
    if (t != null) {
      t.interrupt();
      try {
        t.join(TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
