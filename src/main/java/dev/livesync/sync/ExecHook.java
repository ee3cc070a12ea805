package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-batch {@code exec} hook (like sersync's command plugin): after a batch reached a target,
 * runs {@code sh -c COMMAND} in the source directory with the batch's paths NUL-separated on stdin
 * and {@code LIVESYNC_TARGET}, {@code LIVESYNC_SOURCE} in its environment. A failing hook is logged,
 * it does not fail the batch. What it prints (stdout and stderr) goes to the log, each line named as
 * the hook's ({@code sync 'NAME' exec hook: LINE}), at most {@link #LINES} lines of at most
 * {@link #LINE_BYTES} bytes per run: a chatty hook neither floods the log nor writes into it raw.
 */
public final class ExecHook {
  private static final Logger log = LoggerFactory.getLogger(ExecHook.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(300);
  /** Lines of a run's output logged, at most; the rest is counted, not logged. */
  static final int LINES = 20;
  /** Bytes of one line logged, at most. */
  static final int LINE_BYTES = 1000;

  private final String sync;
  private final String command;
  private final java.nio.file.Path sourceDir;
  private final Duration timeout;

  /** The hook {@code command} of sync {@code sync}. */
  public ExecHook(String sync, String command, java.nio.file.Path sourceDir) {
    this(sync, command, sourceDir, TIMEOUT);
  }

  /** {@code timeout}: how long one run may take before it is killed (tests shorten it). */
  ExecHook(String sync, String command, java.nio.file.Path sourceDir, Duration timeout) {
    this.sync = sync;
    this.command = command;
    this.sourceDir = sourceDir;
    this.timeout = timeout;
  }

  void run(String target, List<byte[]> paths) throws InterruptedException {
    var stdin = new ByteArrayOutputStream();
    for (byte[] path : paths) {
      stdin.writeBytes(path);
      stdin.write(0);
    }
    // its output goes to the log, line by line; interrupting us kills it (and what it started)
    var lines = new java.util.concurrent.atomic.AtomicInteger();
    try (ChildProcess p = ChildProcess.command("sh", "-c", command).directory(sourceDir)
        .env("LIVESYNC_TARGET", target).env("LIVESYNC_SOURCE", sourceDir.toString())
        .mergeStderr().tail(0).stderrLines(line -> logLine(lines.incrementAndGet(), line)).start()) {
      // the hook need not read its stdin: written beside the wait, a batch bigger than a pipe holds
      // cannot keep a hook that does not read it from its timeout (the kill ends the write)
      byte[] input = stdin.toByteArray();
      Thread feeder = Thread.ofVirtual().name("exec-hook-stdin").start(() -> p.feed(input));
      if (!p.waitFor(timeout)) {
        p.kill();
        log.warn("exec hook '{}' ran longer than {} s and was killed; the batch itself was delivered", command, timeout.toSeconds());
      } else if (p.exitValue() != 0) {
        log.warn("exec hook '{}' exited {} after a batch of {} paths to {} (first: {}); the batch itself was delivered",
            command, p.exitValue(), paths.size(), target, paths.isEmpty() ? "-" : Bytes.display(paths.get(0)));
      }
      // the hook is gone (killed with what it started), so the write has ended; only something it left running
      // that holds its stdin unread keeps it waiting, which then ends with that, not with us
      feeder.join(Duration.ofSeconds(1));
    } catch (IOException e) {
      log.warn("exec hook '{}' could not start: {}", command, e.getMessage());
    }
  }

  /** The {@code n}th line of a run's output: logged, cut to {@link #LINE_BYTES}, up to {@link #LINES} lines; then said once. */
  private void logLine(int n, byte[] line) {
    if (n > LINES + 1) return;
    if (n == LINES + 1) {
      log.info("sync '{}' exec hook: more output, not logged (at most {} lines of a run are)", sync, LINES);
      return;
    }
    String text = Bytes.display(line.length <= LINE_BYTES ? line : java.util.Arrays.copyOf(line, LINE_BYTES));
    log.info("sync '{}' exec hook: {}{}", sync, text, line.length > LINE_BYTES ? " [... " + (line.length - LINE_BYTES) + " more bytes]" : "");
  }
}
