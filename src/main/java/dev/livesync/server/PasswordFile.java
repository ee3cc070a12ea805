package dev.livesync.server;

import dev.livesync.LivesyncException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An rsync password file: the password is its first line. It must not be readable by group or
 * others (rsync itself refuses other-readable ones); we are stricter because it is a credential.
 */
public final class PasswordFile {
  private PasswordFile() {}

  /** What is wrong with the file's mode or owner, or null when it is fine. Missing file: an error. */
  public static String problem(Path file) {
    return problem(file, "password file");
  }

  /** As {@link #problem(Path)} for another secret kept the same way; {@code what} names it in messages ("token file"). */
  public static String problem(Path file, String what) {
    try {
      int mode = (Integer) Files.getAttribute(file, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (!Files.isRegularFile(file)) return what + " " + file + " is not a regular file";
      if ((mode & 0077) != 0) {
        return String.format(
            "%s %s is readable by %s (mode %04o): run 'chmod 600 %s'",
            what, file, (mode & 0007) != 0 ? "everyone" : "its group", mode & 07777, file);
      }
      int owner = (Integer) Files.getAttribute(file, "unix:uid");
      int me = dev.livesync.ops.Dirs.uid();
      if (owner != me && me != 0) {
        return what + " " + file + " belongs to uid " + owner + ", not to the user running livesync (uid " + me + ")";
      }
      return null;
    } catch (NoSuchFileException e) {
      return what + " " + file + " does not exist";
    } catch (IOException e) {
      return "cannot read " + what + " " + file + ": " + e.getMessage();
    }
  }

  /** Checks the file (see {@link #problem}) and returns its first line, which must not be empty. */
  public static String read(Path file) {
    return read(file, "password file");
  }

  /** As {@link #read(Path)} for another secret kept the same way ({@code what}: "token file"). */
  public static String read(Path file, String what) {
    String p = problem(file, what);
    if (p != null) throw new LivesyncException(p, 2);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LivesyncException("cannot read " + what + " " + file + ": " + e.getMessage(), 2, e);
    }
    int nl = text.indexOf('\n');
    String first = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
    if (first.isEmpty()) {
      throw new LivesyncException(what + " " + file + " is empty: put the " + (what.startsWith("password") ? "password" : "secret") + " on its first line", 2);
    }
    return first;
  }
}
