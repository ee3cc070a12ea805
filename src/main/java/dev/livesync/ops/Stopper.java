package dev.livesync.ops;

import com.fasterxml.jackson.databind.JsonNode;
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

  public record Result(Outcome outcome, long pid, Duration took) {}

  private Stopper() {}

  /** The running livesync's pid: from its status socket, else from the pidfile if that process is a livesync. */
  public static Optional<ProcessHandle> find(ServiceFiles files) {
    try {
      JsonNode doc = Json.read(StatusClient.fetch(files.socket()), "the status answer");
      long pid = doc.path("pid").asLong(-1);
      if (pid > 0) return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException e) {
      // not answering: fall back to the pidfile
    }
    try {
      long pid = Long.parseLong(Files.readString(files.pidFile()).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(Stopper::isLivesync);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A recycled pid must not be killed: the command line must name our main class or jar. */
  static boolean isLivesync(ProcessHandle h) {
    return h.info().commandLine().map(c -> c.contains("dev.livesync") || c.contains("livesync.jar")).orElse(false);
  }

  public static Result stop(ServiceFiles files, Duration drain) {
    Optional<ProcessHandle> found = find(files);
    if (found.isEmpty()) {
      BackgroundLauncher.deleteQuietly(files.pidFile());
      return new Result(Outcome.NOT_RUNNING, -1, Duration.ZERO);
    }
    ProcessHandle h = found.get();
    long t0 = System.nanoTime();
    h.destroy();
    boolean exited = waitExit(h, drain);
    Outcome outcome = Outcome.STOPPED;
    if (!exited) {
      h.destroyForcibly();
      waitExit(h, Duration.ofSeconds(10));
      outcome = Outcome.KILLED;
    }
    BackgroundLauncher.deleteQuietly(files.pidFile());
    return new Result(outcome, h.pid(), Duration.ofNanos(System.nanoTime() - t0));
  }

  private static boolean waitExit(ProcessHandle h, Duration max) {
    try {
      h.onExit().get(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    }
  }
}
