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

  /** fanotify's queue length where fs.fanotify.max_queued_events does not exist (Linux before 5.13): fixed. */
  static final long FANOTIFY_FIXED_QUEUE = 16384;

  /**
   * The queue length of an inotify instance or fanotify group ({@code fanotify}), as an overflow's
   * log line says it: {@code atWatch} is its setting's value when the instance was made (-1: it could
   * not be read), which is what the kernel gave it; {@code now} the value now, which the instance made
   * anew after the overflow gets. {@code kernel}: the running kernel's version ({@code os.version}).
   */
  public static String queueWords(boolean fanotify, long atWatch, long now, String kernel) {
    String name = fanotify ? "fs.fanotify.max_queued_events" : "fs.inotify.max_queued_events";
    if (atWatch < 0) {
      if (fanotify && before(kernel, 5, 13)) return "a fixed " + FANOTIFY_FIXED_QUEUE + " events: Linux " + kernel + " has no " + name;
      return name + " could not be read";
    }
    if (now < 0 || now == atWatch) return name + " = " + atWatch;
    return name + " = " + atWatch + " when it was made; " + now + " now, which the new one gets";
  }

  /** Whether the kernel version {@code kernel} ("5.10.0-28-amd64") is before major.minor; false when it cannot be told. */
  static boolean before(String kernel, int major, int minor) {
    var m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(kernel == null ? "" : kernel);
    if (!m.find()) return false;
    int ma = Integer.parseInt(m.group(1));
    return ma < major || ma == major && Integer.parseInt(m.group(2)) < minor;
  }

  static String describe(String name) {
    long v = read(name);
    return v < 0 ? "unknown" : Long.toString(v);
  }
}
