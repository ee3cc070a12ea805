package dev.livesync.transport;

import dev.livesync.LivesyncException;
import dev.livesync.fs.ChildProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one rsync (or ssh) process: feeds {@code stdin}, hands each stdout line to a consumer, keeps
 * stderr lines (up to a bound) and waits. Interrupting the caller kills the process and its children;
 * so does livesync's death, even by SIGKILL ({@link ChildProcess.Builder#diesWithParent}): a run
 * left behind could land old data after a restarted livesync had sent newer.
 * Lines are raw bytes without the newline; a carriage return ends a line too (progress updates end
 * in one; rsync escapes both inside names).
 */
final class RsyncProcess {
  static final int MAX_STDERR_LINES = 20_000;

  // Never compared or hashed: callers read its fields.
  record Result(int exit, List<byte[]> stderr, boolean stderrTruncated, long millis) {}

  private RsyncProcess() {}

  static Result run(List<String> argv, Map<String, String> env, byte[] stdin, Consumer<byte[]> stdoutLine)
      throws InterruptedException {
    long start = System.nanoTime();
    var stderr = new ArrayList<byte[]>();
    boolean[] truncated = {false};
    ChildProcess p;
    try {
      p = ChildProcess.command(argv).env(env).diesWithParent().tail(0).stdoutLines(stdoutLine == null ? line -> {} : stdoutLine).stderrLines(line -> {
        synchronized (stderr) {
          if (stderr.size() < MAX_STDERR_LINES) stderr.add(line);
          else truncated[0] = true;
        }
      }).start();
    } catch (IOException e) {
      throw new LivesyncException("cannot run " + argv.getFirst() + ": " + e.getMessage() + " (is rsync installed?)", dev.livesync.Exit.UNAVAILABLE, e);
    }
    try {
      p.feed(stdin); // rsync may exit early (e.g. connection refused); its exit code and stderr tell why
      p.waitFor();
      p.drain();
    } catch (InterruptedException e) {
      p.kill(); // rsync and its helpers (local rsync forks a receiver; ssh transport runs ssh)
      throw e;
    }
    synchronized (stderr) {
      return new Result(p.exitValue(), List.copyOf(stderr), truncated[0], (System.nanoTime() - start) / 1_000_000);
    }
  }
}
