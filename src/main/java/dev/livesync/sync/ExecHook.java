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
 * it does not fail the batch.
 */
public final class ExecHook {
  private static final Logger log = LoggerFactory.getLogger(ExecHook.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(300);

  private final String command;
  private final java.nio.file.Path sourceDir;
  private final Duration timeout;

  public ExecHook(String command, java.nio.file.Path sourceDir) {
    this(command, sourceDir, TIMEOUT);
  }

  /** {@code timeout}: how long one run may take before it is killed (tests shorten it). */
  ExecHook(String command, java.nio.file.Path sourceDir, Duration timeout) {
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
    // its output goes to ours; interrupting us kills it (and what it started)
    try (ChildProcess p = ChildProcess.command("sh", "-c", command).directory(sourceDir)
        .env("LIVESYNC_TARGET", target).env("LIVESYNC_SOURCE", sourceDir.toString())
        .stdout(ProcessBuilder.Redirect.INHERIT).mergeStderr().start()) {
      p.feed(stdin.toByteArray()); // the hook need not read its stdin
      if (!p.waitFor(timeout)) {
        p.kill();
        log.warn("exec hook '{}' ran longer than {} s and was killed; the batch itself was delivered", command, timeout.toSeconds());
      } else if (p.exitValue() != 0) {
        log.warn("exec hook '{}' exited {} after a batch of {} paths to {} (first: {}); the batch itself was delivered",
            command, p.exitValue(), paths.size(), target, paths.isEmpty() ? "-" : Bytes.display(paths.get(0)));
      }
    } catch (IOException e) {
      log.warn("exec hook '{}' could not start: {}", command, e.getMessage());
    }
  }
}
