package dev.livesync.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's name as the kernel keeps it ({@code /proc/PID/comm}, what {@code ps -C}, {@code pgrep},
 * {@code pkill} and {@code killall} match): the JVM's is {@code java} whatever it runs, so a script
 * that stops its watcher with {@code killall inotifywait} missed a drop-in running as inotifywait.
 */
public final class ProcessName {
  private ProcessName() {}

  /**
   * Names this process {@code name} (the kernel keeps 15 bytes). /proc/self is the thread-group
   * leader's entry, and any thread of the process may rename it. Without /proc it stays as it was.
   */
  public static void set(String name) {
    try {
      Files.write(Path.of("/proc/self/comm"), name.getBytes(StandardCharsets.ISO_8859_1));
    } catch (IOException | UnsupportedOperationException e) {
      // no /proc (or not Linux): the name is cosmetic there
    }
  }
}
