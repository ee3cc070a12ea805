package dev.livesync.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops processes a test started, by their handle (never by name), children included. */
public final class Processes {
  private Processes() {}

  /** SIGTERM to the process and its descendants, SIGKILL after a grace period; waits for the exit. */
  public static void killTree(Process p) {
    if (p == null) return;
    killTree(p.toHandle());
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void killTree(ProcessHandle h) {
    if (h == null) return;
    List<ProcessHandle> children = h.descendants().toList();
    h.destroy();
    children.forEach(ProcessHandle::destroy);
    await(h);
    for (ProcessHandle c : children) await(c);
  }

  private static void await(ProcessHandle h) {
    try {
      h.onExit().get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      h.destroyForcibly();
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // a process that survives SIGKILL for 5 s is the kernel's business; do not hang the test
      }
    }
  }

  /** Runs a short command, failing with its output when it exits non-zero. Returns stdout+stderr. */
  public static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        killTree(p);
        throw new IllegalStateException("timed out: " + command + "\n" + out);
      }
      if (p.exitValue() != 0) throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + out);
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
