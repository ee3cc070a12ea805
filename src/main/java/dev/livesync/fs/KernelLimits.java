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
  /**
   * fanotify's queue length, for {@link #read} and {@link #write}: what a fanotify group holds unread
   * (set when the group is made; fs.inotify.max_queued_events does not apply to it).
   */
  public static final String FANOTIFY_MAX_QUEUED_EVENTS = "fanotify/max_queued_events";
  private static final Path FS = Path.of("/proc/sys/fs");
  private static final Path DIR = FS.resolve("inotify");

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
    return read(FANOTIFY_MAX_QUEUED_EVENTS);
  }

  /**
   * The value of /proc/sys/fs/inotify/{name} ({@link #FANOTIFY_MAX_QUEUED_EVENTS}: of fanotify's), or -1 when it cannot be read. Not Files.readString:
   * for a file whose size is 0 it reads 1 byte, then continues at offset 1, where a sysctl file
   * returns nothing; "65536" would come back as "6" (and a test restoring it would set 6).
   */
  public static long read(String name) {
    return readFile(file(name));
  }

  private static Path file(String name) {
    return name.contains("/") ? FS.resolve(name) : DIR.resolve(name);
  }

  private static long readFile(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Writes /proc/sys/fs/inotify/{name} (or fanotify's, as {@link #read}; root only); effective immediately, lost at reboot. */
  public static void write(String name, long value) throws IOException {
    Files.writeString(file(name), Long.toString(value), StandardCharsets.US_ASCII);
  }

  static String describe(String name) {
    long v = read(name);
    return v < 0 ? "unknown" : Long.toString(v);
  }
}
