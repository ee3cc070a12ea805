package dev.livesync.server;

import dev.livesync.LivesyncException;
import dev.livesync.fs.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one child process alive: starts it, waits until it is ready, copies its output to our log,
 * and restarts it with exponential backoff (1 s doubling to 30 s, reset after a minute of uptime)
 * when it dies on its own. {@link #stop} sends SIGTERM, then SIGKILL after a grace period (to the
 * child and whatever it started: {@link ChildProcess#stop}).
 */
final class DaemonSupervisor {
  private static final Logger LOG = LoggerFactory.getLogger("rsyncd");
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration STABLE = Duration.ofMinutes(1);

  /** rsync's own timestamp; our log line has one already. */
  private static final java.util.regex.Pattern RSYNC_DATE =
      java.util.regex.Pattern.compile("^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d ");

  private final List<String> command;
  private final BooleanSupplier ready;
  private final Duration readyTimeout;
  private final java.util.function.Consumer<String> lines;
  private static final int TAIL_LINES = 20;
  private volatile ChildProcess process;
  private volatile boolean stopping;
  private Thread monitor;
  private volatile int restarts;

  DaemonSupervisor(List<String> command, BooleanSupplier ready, Duration readyTimeout) {
    this(command, ready, readyTimeout, line -> {});
  }

  /** {@code lines}: told each line of the child's output (date stripped), on the copying thread. */
  DaemonSupervisor(List<String> command, BooleanSupplier ready, Duration readyTimeout, java.util.function.Consumer<String> lines) {
    this.lines = lines;
    this.command = List.copyOf(command);
    this.ready = ready;
    this.readyTimeout = readyTimeout;
  }

  /** Starts the child and returns once it is ready; throws with its last output if it dies first. */
  synchronized void start() {
    ChildProcess p = launch();
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (!ready.getAsBoolean()) {
      if (!p.isAlive()) {
        throw new LivesyncException(
            "rsync daemon exited with code " + p.exitValue() + " before it was ready:\n" + tail(p), 1);
      }
      if (System.nanoTime() > deadline) {
        p.kill();
        throw new LivesyncException("rsync daemon did not start listening within " + readyTimeout.toSeconds() + " s:\n" + tail(p), 1);
      }
      sleep(50);
    }
    monitor = Thread.ofPlatform().name("rsyncd-supervisor").daemon().start(this::superviseLoop);
  }

  long pid() {
    return process.pid();
  }

  int restarts() {
    return restarts;
  }

  boolean stopped() {
    return stopping;
  }

  /** SIGTERM to the child, SIGKILL after {@code grace}; returns true if it ended on SIGTERM. */
  boolean stop(Duration grace) {
    stopping = true;
    if (monitor != null) monitor.interrupt();
    ChildProcess p = process;
    boolean clean = p == null || p.stop(grace);
    if (monitor != null) {
      try {
        monitor.join(grace.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return clean;
  }

  /** Waits until {@link #stop} has been called and the child is gone. */
  void awaitStopped() throws InterruptedException {
    while (!stopping || (process != null && process.isAlive())) {
      Thread.sleep(200);
    }
  }

  private void superviseLoop() {
    Duration backoff = Duration.ofSeconds(1);
    while (!stopping) {
      ChildProcess p = process;
      long startedAt = System.nanoTime();
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        if (stopping) return;
        continue;
      }
      if (stopping) return;
      if (System.nanoTime() - startedAt > STABLE.toNanos()) backoff = Duration.ofSeconds(1);
      LOG.warn("rsync daemon (pid {}) exited with code {}; restarting in {} s", p.pid(), code, backoff.toSeconds());
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        if (stopping) return;
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      synchronized (this) {
        if (stopping) return;
        try {
          launch();
          restarts++;
        } catch (LivesyncException e) {
          LOG.error("{}", e.getMessage());
        }
      }
    }
  }

  private ChildProcess launch() {
    try {
      ChildProcess p = ChildProcess.command(command).noStdin().mergeStderr().tail(TAIL_LINES).stderrLines(this::line).start();
      process = p;
      return p;
    } catch (IOException e) {
      throw new LivesyncException("cannot run " + command.getFirst() + ": " + e.getMessage() + " (is rsync installed? apt-get install rsync)", dev.livesync.Exit.UNAVAILABLE, e);
    }
  }

  /** One line of the child's output (stdout and stderr), copied to our log. */
  private void line(byte[] raw) {
    if (raw.length == 0) return;
    String line = RSYNC_DATE.matcher(new String(raw, StandardCharsets.UTF_8)).replaceFirst("");
    LOG.info("{}", line);
    lines.accept(line);
  }

  /** The child's last lines, for an error message. */
  private static String tail(ChildProcess p) {
    List<String> tail = p.tailLines().stream().map(l -> RSYNC_DATE.matcher(l).replaceFirst("")).toList();
    return tail.isEmpty() ? "(no output)" : String.join("\n", tail);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LivesyncException("interrupted", dev.livesync.Exit.INTERRUPTED, e);
    }
  }
}
