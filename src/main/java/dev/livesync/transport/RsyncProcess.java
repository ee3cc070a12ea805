package dev.livesync.transport;

import dev.livesync.LivesyncException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one rsync (or ssh) process: feeds {@code stdin}, hands each stdout line to a consumer, keeps
 * stderr lines (up to a bound) and waits. Interrupting the caller kills the process and its children.
 * Lines are raw bytes without the newline; a carriage return ends a line too (progress updates end
 * in one; rsync escapes both inside names).
 */
final class RsyncProcess {
  static final int MAX_STDERR_LINES = 20_000;

  record Result(int exit, List<byte[]> stderr, boolean stderrTruncated, long millis) {}

  private RsyncProcess() {}

  static Result run(List<String> argv, Map<String, String> env, byte[] stdin, Consumer<byte[]> stdoutLine)
      throws InterruptedException {
    long start = System.nanoTime();
    var pb = new ProcessBuilder(argv);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new LivesyncException("cannot run " + argv.getFirst() + ": " + e.getMessage() + " (is rsync installed?)", dev.livesync.Exit.UNAVAILABLE, e);
    }
    var stderr = new ArrayList<byte[]>();
    boolean[] truncated = {false};
    Thread errReader = Thread.ofVirtual().start(() -> lines(p.getErrorStream(), line -> {
      synchronized (stderr) {
        if (stderr.size() < MAX_STDERR_LINES) stderr.add(line);
        else truncated[0] = true;
      }
    }));
    Thread outReader = Thread.ofVirtual().start(() -> lines(p.getInputStream(), stdoutLine));
    try {
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null && stdin.length > 0) in.write(stdin);
      } catch (IOException e) {
        // rsync exited early (e.g. connection refused); its exit code and stderr tell why
      }
      p.waitFor();
      errReader.join();
      outReader.join();
    } catch (InterruptedException e) {
      kill(p);
      throw e;
    }
    synchronized (stderr) {
      return new Result(p.exitValue(), List.copyOf(stderr), truncated[0], (System.nanoTime() - start) / 1_000_000);
    }
  }

  private static void lines(InputStream in, Consumer<byte[]> sink) {
    var line = new ByteArrayOutputStream(256);
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n' || buf[i] == '\r') {
            if (buf[i] == '\r' && line.size() == 0) continue;
            sink.accept(line.toByteArray());
            line.reset();
          } else {
            line.write(buf[i]);
          }
        }
      }
    } catch (IOException ignored) {
      // process killed; what was read is kept
    }
    if (line.size() > 0) sink.accept(line.toByteArray());
  }

  /**
   * Ends a long-lived helper (an ssh master or shell): SIGTERM so ssh can say goodbye to the server,
   * then SIGKILL for it and whatever it started if it has not exited within two seconds.
   */
  static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    try {
      if (p.waitFor(2, TimeUnit.SECONDS)) {
        children.forEach(ProcessHandle::destroyForcibly);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill(p);
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** Kills rsync and its helpers (local rsync forks a receiver; ssh transport runs ssh). */
  static void kill(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
