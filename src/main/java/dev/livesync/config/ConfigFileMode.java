package dev.livesync.config;

import dev.livesync.settings.Dirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who may change a config file. Whoever can write it decides what livesync reads and where it writes
 * (deleting there), and the commands it runs ({@code exec}, {@code [alert] exec}) as the user running
 * it, root under the service: a file (or the directory holding it) that its group or others may write,
 * or one owned by another user than root or that user, hands all of that to them.
 */
public final class ConfigFileMode {
  private ConfigFileMode() {}

  /** Why others than its owner may change {@code file}, as words after its name; null when only the owner (root or this user) can. */
  public static String problem(Path file) {
    try {
      Path real = file.toRealPath();
      String f = words(real, "");
      return f != null ? f : words(real.getParent(), "its directory " + real.getParent() + " ");
    } catch (IOException | RuntimeException e) {
      return null; // the loader says what is wrong with a file it cannot read
    }
  }

  private static String words(Path p, String which) throws IOException {
    if (p == null) return null;
    int mode = (Integer) Files.getAttribute(p, "unix:mode");
    boolean sticky = (mode & 01000) != 0 && Files.isDirectory(p);
    if ((mode & 0022) != 0 && !sticky) {
      return String.format("%sis writable by its group or others (mode %04o): whoever can write it chooses what livesync replicates,"
          + " where to (deleting there), and the commands it runs (exec, [alert] exec) as uid %d; run 'chmod go-w %s'",
          which, mode & 07777, Dirs.uid(), p);
    }
    int owner = (Integer) Files.getAttribute(p, "unix:uid");
    if (owner != 0 && owner != Dirs.uid()) {
      return which + "belongs to uid " + owner + ", who can change what livesync (uid " + Dirs.uid() + ") replicates and runs;"
          + " run 'chown " + (Dirs.uid() == 0 ? "root" : Dirs.uid()) + " " + p + "'";
    }
    return null;
  }
}
