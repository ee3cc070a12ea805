package dev.livesync.server;

import dev.livesync.LivesyncException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one child process alive: starts it, waits until it is ready, copies its output to our log,
 * and restarts it with exponential backoff (1 s doubling to 30 s, reset after a minute of uptime)
 * when it dies on its own. {@link #stop} sends SIGTERM, then SIGKILL after a grace period.
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
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final java.util.function.Consumer<String> lines;
  private volatile Process process;
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
    Process p = launch();
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (!ready.getAsBoolean()) {
      if (!p.isAlive()) {
        waitQuietly(p);
        throw new LivesyncException(
            "rsync daemon exited with code " + p.exitValue() + " before it was ready:\n" + tail(), 1);
      }
      if (System.nanoTime() > deadline) {
        kill(p);
        throw new LivesyncException("rsync daemon did not start listening within " + readyTimeout.toSeconds() + " s:\n" + tail(), 1);
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
    Process p = process;
    boolean clean = true;
    if (p != null && p.isAlive()) {
      p.destroy();
      try {
        clean = p.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        clean = false;
      }
      if (!clean) kill(p);
    }
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
      Process p = process;
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

  private Process launch() {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      Process p = pb.start();
      process = p;
      Thread.ofPlatform().name("rsyncd-log-" + p.pid()).daemon().start(() -> pump(p));
      return p;
    } catch (IOException e) {
      throw new LivesyncException("cannot run " + command.getFirst() + ": " + e.getMessage() + " (is rsync installed? apt-get install rsync)", dev.livesync.Exit.UNAVAILABLE, e);
    }
  }

  private void pump(Process p) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        line = RSYNC_DATE.matcher(line).replaceFirst("");
        LOG.info("{}", line);
        lines.accept(line);
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 20) tail.removeFirst();
        }
      }
    } catch (IOException e) {
      // the pipe closes when the child exits
    }
  }

  private String tail() {
    sleep(100); // let the pump read the last lines
    synchronized (tail) {
      return tail.isEmpty() ? "(no output)" : String.join("\n", tail);
    }
  }

  private static void kill(Process p) {
    p.destroyForcibly();
    waitQuietly(p);
  }

  private static void waitQuietly(Process p) {
    try {
      p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
