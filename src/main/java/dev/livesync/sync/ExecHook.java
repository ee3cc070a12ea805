package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  private static final long TIMEOUT_SECONDS = 300;

  private final String command;
  private final java.nio.file.Path sourceDir;

  public ExecHook(String command, java.nio.file.Path sourceDir) {
    this.command = command;
    this.sourceDir = sourceDir;
  }

  void run(String target, List<byte[]> paths) throws InterruptedException {
    var pb = new ProcessBuilder("sh", "-c", command).directory(sourceDir.toFile()).redirectErrorStream(true);
    pb.environment().put("LIVESYNC_TARGET", target);
    pb.environment().put("LIVESYNC_SOURCE", sourceDir.toString());
    pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        for (byte[] path : paths) {
          in.write(path);
          in.write(0);
        }
      } catch (IOException e) {
        // the hook need not read its stdin
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("exec hook '{}' ran longer than {} s and was killed; the batch itself was delivered", command, TIMEOUT_SECONDS);
      } else if (p.exitValue() != 0) {
        log.warn("exec hook '{}' exited {} after a batch of {} paths to {} (first: {}); the batch itself was delivered",
            command, p.exitValue(), paths.size(), target, paths.isEmpty() ? "-" : Bytes.display(paths.get(0)));
      }
    } catch (IOException e) {
      log.warn("exec hook '{}' could not start: {}", command, e.getMessage());
    }
  }
}
