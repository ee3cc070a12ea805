package dev.livesync.events;

import dev.livesync.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a background process started with -d by the one thing that is unique to it in this test:
 * its outfile path among its arguments (a fresh temp path). Used to wait for it and to stop it by pid.
 */
final class Daemons {
  private Daemons() {}

  static long await(Path outfile) throws Exception {
    String want = outfile.toString();
    return Await.value("a daemon writing to " + want, Differential.DEADLINE, () -> find(want), pid -> pid > 0, pid -> "none");
  }

  private static long find(String arg) {
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        byte[] cmd;
        try {
          cmd = Files.readAllBytes(p.resolve("cmdline"));
        } catch (IOException e) {
          continue;
        }
        for (String a : new String(cmd, StandardCharsets.ISO_8859_1).split("\0")) {
          if (a.equals(arg)) {
            long pid = Long.parseLong(p.getFileName().toString());
            var h = ProcessHandle.of(pid);
            // the parent that started it has exited by now; what is left is the daemon
            if (h.isPresent() && h.get().isAlive() && !isZombie(p)) return pid;
          }
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private static boolean isZombie(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("State:")) return line.contains("Z");
      }
    } catch (IOException e) {
      return true;
    }
    return false;
  }
}
