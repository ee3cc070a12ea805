package dev.livesync.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The inotify limits in /proc/sys/fs/inotify, and fanotify's queue length. */
public final class KernelLimits {
  public static final String MAX_USER_WATCHES = "max_user_watches";
  public static final String MAX_QUEUED_EVENTS = "max_queued_events";
  public static final String MAX_USER_INSTANCES = "max_user_instances";
  private static final Path DIR = Path.of("/proc/sys/fs/inotify");

  private KernelLimits() {}

  public static long maxUserWatches() {
    return read(MAX_USER_WATCHES);
  }

  public static long maxQueuedEvents() {
    return read(MAX_QUEUED_EVENTS);
  }

  public static long maxUserInstances() {
    return read(MAX_USER_INSTANCES);
  }

  /** /proc/sys/fs/fanotify/max_queued_events (Linux 5.13; before, 16384 fixed), or -1. */
  public static long fanotifyMaxQueuedEvents() {
    return readFile(Path.of("/proc/sys/fs/fanotify/max_queued_events"));
  }

  /**
   * The value of /proc/sys/fs/inotify/{name}, or -1 when it cannot be read. Not Files.readString:
   * for a file whose size is 0 it reads 1 byte, then continues at offset 1, where a sysctl file
   * returns nothing; "65536" would come back as "6" (and a test restoring it would set 6).
   */
  public static long read(String name) {
    return readFile(DIR.resolve(name));
  }

  private static long readFile(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Writes /proc/sys/fs/inotify/{name} (root only); effective immediately, lost at reboot. */
  public static void write(String name, long value) throws IOException {
    Files.writeString(DIR.resolve(name), Long.toString(value), StandardCharsets.US_ASCII);
  }

  static String describe(String name) {
    long v = read(name);
    return v < 0 ? "unknown" : Long.toString(v);
  }
}
