package dev.livesync.monitor;

import dev.livesync.fs.ChildProcess;
import dev.livesync.ops.status.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to the operator's command: {@code sh -c COMMAND} with the alert as one JSON
 * object on stdin and its main fields in {@code LIVESYNC_ALERT_*} variables, one at a time and in
 * order on a thread of its own (a slow mailer never holds up the engine). A command that fails or
 * runs longer than a minute is logged; the alert is not retried.
 */
final class AlertCommand implements Alerts.Sink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertCommand.class);
  private static final long TIMEOUT_SECONDS = 60;

  private final String command;
  private final ExecutorService runner = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("livesync-alert").daemon().factory());

  AlertCommand(String command) {
    this.command = command;
  }

  @Override
  public void send(Alerts.Alert a) {
    // a resolution's summary begins "resolved: ": not said twice
    log.warn("alert {}: {}", a.status(), a.summary().startsWith(a.status() + ": ") ? a.summary().substring(a.status().length() + 2) : a.summary());
    runner.execute(() -> run(a));
  }

  private void run(Alerts.Alert a) {
    try (ChildProcess p = ChildProcess.command("sh", "-c", command)
        .env("LIVESYNC_ALERT_STATUS", a.status())
        .env("LIVESYNC_ALERT_CONDITION", a.condition())
        .env("LIVESYNC_ALERT_SYNC", a.sync())
        .env("LIVESYNC_ALERT_TARGET", a.target() == null ? "" : a.target())
        .env("LIVESYNC_ALERT_SUMMARY", a.summary())
        .stdout(ProcessBuilder.Redirect.INHERIT).mergeStderr().start()) {
      p.feed((Json.write(a) + "\n").getBytes(StandardCharsets.UTF_8)); // the command need not read its stdin
      if (!p.waitFor(Duration.ofSeconds(TIMEOUT_SECONDS))) {
        p.kill();
        log.warn("alert command '{}' ran longer than {} s and was killed", command, TIMEOUT_SECONDS);
      } else if (p.exitValue() != 0) {
        log.warn("alert command '{}' exited {} for the {} alert {}", command, p.exitValue(), a.status(), a.condition());
      }
    } catch (IOException e) {
      log.warn("alert command '{}' could not start: {}", command, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits for the alerts already sent to have run, at most {@link #CLOSE_WAIT_SECONDS} (a stop is
   * bounded: a service manager kills what takes longer); a command still running then is killed.
   */
  @Override
  public void close() {
    runner.shutdown();
    try {
      if (!runner.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("alert command '{}' still running {} s after the stop: killed; alerts not yet sent are dropped", command, CLOSE_WAIT_SECONDS);
        runner.shutdownNow(); // interrupts the wait: the command is killed as it is closed
        runner.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How long a stop waits for alert commands (the resolutions it sends among them). */
  static final long CLOSE_WAIT_SECONDS = 10;
}
