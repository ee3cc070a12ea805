package dev.livesync.ops.doctor;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the inotify watches a user holds now, from /proc/PID/fdinfo (one "inotify wd:" line per
 * watch). The limit is per user, so other programs' watches reduce what livesync can add.
 */
public final class WatchUsage {
  private WatchUsage() {}

  /** Watches held by processes of {@code uid}; -1 if /proc cannot be read. */
  public static long ofUid(int uid) {
    long total = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        try {
          if ((Integer) Files.getAttribute(proc, "unix:uid") != uid) continue;
          total += ofProcess(proc);
        } catch (IOException | SecurityException e) {
          // the process exited, or is not ours to read
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return total;
  }

  /** Watches held by one process (/proc/PID). */
  public static long ofProcess(Path proc) throws IOException {
    long n = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) continue;
          for (String line : Files.readAllLines(proc.resolve("fdinfo").resolve(fd.getFileName()))) {
            if (line.startsWith("inotify wd:")) n++;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return n;
  }
}
