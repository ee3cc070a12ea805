package dev.livesync.ops.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.fs.ChildProcess;
import dev.livesync.ops.status.StatusClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** {@code livesync stop}: SIGTERM, wait for the drain (bounded), SIGKILL only if it must. */
public final class Stopper {
  public enum Outcome {
    NOT_RUNNING,
    STOPPED,
    KILLED
  }

  /** {@code waited}: how long stop was ready to wait before SIGKILL. */
  public record Result(Outcome outcome, long pid, Duration took, Duration waited) {}

  private Stopper() {}

  /** A running livesync: its process, and how long it drains on SIGTERM (zero when it did not say). */
  public record Found(ProcessHandle process, Duration drains) {}

  /** The running livesync's pid: from its status socket, else from the pidfile if that process is a livesync. */
  public static Optional<ProcessHandle> find(ServiceFiles files) {
    return locate(files).map(Found::process);
  }

  static Optional<Found> locate(ServiceFiles files) {
    try {
      JsonNode doc = StatusClient.document(files.socket());
      long pid = doc.path("pid").asLong(-1);
      Duration drains = Duration.ofMillis(Math.max(0, doc.path("stopTimeoutMillis").asLong(0)));
      if (pid > 0) return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> new Found(h, drains));
    } catch (StatusClient.NotAnswering e) {
      // it holds the socket but does not answer (stopped, hung): the process that holds it
      Optional<ProcessHandle> h = LivesyncProcesses.holding(files.socket());
      if (h.isPresent()) return h.map(p -> new Found(p, Duration.ZERO));
    } catch (IOException e) {
      // not answering: fall back to the pidfile
    }
    return fromPidFile(files.pidFile()).map(h -> new Found(h, Duration.ZERO));
  }

  /** The live livesync whose pid {@code pidFile} holds (null: none); a recycled pid is not a livesync and not returned. */
  public static Optional<ProcessHandle> fromPidFile(Path pidFile) {
    if (pidFile == null) return Optional.empty();
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(Stopper::isLivesync);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * How long {@code stop} waits for a livesync that drains for {@code drains}: longer than that (the
   * JVM's exit, killed rsync runs, journals closing), so that a drain that keeps its bound is never
   * killed; a process that did not say is given the default stop timeout.
   */
  public static Duration waitFor(Duration drains) {
    Duration d = drains.isZero() ? DEFAULT_DRAIN : drains;
    return d.plus(MARGIN);
  }

  static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
  static final Duration MARGIN = Duration.ofSeconds(15);

  /** A recycled pid must not be killed: the command line must name our main class or jar. */
  static boolean isLivesync(ProcessHandle h) {
    return LivesyncProcesses.isLivesync(h.pid());
  }

  /** {@code wait} null: {@link #waitFor} the process's own stop timeout. */
  public static Result stop(ServiceFiles files, Duration wait) {
    Optional<Found> found = locate(files);
    if (found.isEmpty()) {
      if (files.pidFile() != null) BackgroundLauncher.deleteQuietly(files.pidFile());
      return new Result(Outcome.NOT_RUNNING, -1, Duration.ZERO, Duration.ZERO);
    }
    return stop(found.get(), wait, files.pidFile());
  }

  /**
   * Stops {@code found}: SIGTERM, the drain, then SIGKILL after {@code wait} (null: {@link #waitFor}
   * what it said it drains for); removes {@code pidFile} (null: none) when it is gone.
   */
  public static Result stop(Found found, Duration wait, Path pidFile) {
    ProcessHandle h = found.process();
    Duration drain = wait != null ? wait : waitFor(found.drains());
    long t0 = System.nanoTime();
    // SIGTERM, the drain, then SIGKILL; the rsyncs of a killed one are SIGKILLed too, not left behind
    long exited = ChildProcess.stopTimed(h, drain); // when it exited, not when its parent reaped it
    if (pidFile != null) BackgroundLauncher.deleteQuietly(pidFile);
    return new Result(exited >= 0 ? Outcome.STOPPED : Outcome.KILLED, h.pid(), Duration.ofNanos((exited >= 0 ? exited : System.nanoTime()) - t0), drain);
  }
}
