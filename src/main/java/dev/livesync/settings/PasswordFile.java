package dev.livesync.settings;

import dev.livesync.LivesyncException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one policy for an rsync password file, whoever reads it — {@code run}'s daemon targets, the
 * config's {@code password_file}, {@code serve}'s modules and {@code doctor}: a regular file, not
 * accessible by group or others (rsync refuses other-readable ones; it is a credential, so livesync
 * refuses group access too), owned by the user running livesync (as root that is root, which rsync
 * requires), with the password on its first line. Other secrets kept the same way (the status page's
 * bearer token) follow the same policy.
 */
public final class PasswordFile {
  private PasswordFile() {}

  /** What is wrong with the file, as words after its name ("does not exist"), or null when it is fine. */
  public static String problem(Path file) {
    return problem(file, "password");
  }

  /** {@link #problem(Path)} for a file that holds another {@code secret} ("token"). */
  public static String problem(Path file, String secret) {
    try {
      if (!Files.exists(file)) return "does not exist";
      if (!Files.isRegularFile(file)) return "is not a regular file";
      int mode = (Integer) Files.getAttribute(file, "unix:mode");
      if ((mode & 0077) != 0) {
        return String.format("is accessible by its group or others (mode %04o): run 'chmod 600 %s'", mode & 07777, file);
      }
      int owner = (Integer) Files.getAttribute(file, "unix:uid");
      int me = Dirs.uid();
      if (owner != me) {
        return "belongs to uid " + owner + ", not to the user running livesync (uid " + me + ")"
            + (me == 0 ? "; rsync refuses a password file not owned by root when run as root: run 'chown root " + file + "'" : "");
      }
      if (firstLine(file).isEmpty()) {
        // a blank line first (an editor's habit, 'echo >> file'): the secret is there, but only the first line is read
        return Files.readString(file, StandardCharsets.UTF_8).isBlank() ? "is empty: put the " + secret + " on its first line"
            : "has an empty first line, and only the first line is read: put the " + secret + " on it (and nothing before it)";
      }
      return null;
    } catch (NoSuchFileException e) {
      return "does not exist";
    } catch (IOException e) {
      return "cannot be read: " + e.getMessage();
    }
  }

  /**
   * What is wrong with a password file for {@code user} beyond {@link #problem}: a first line
   * {@code user:...}, the line of an rsync daemon's secrets file (the classic setup names both files
   * /etc/rsync.password). rsync would send, and {@code serve} would write into its secrets file, the
   * whole line as the password, and every login would fail. Null when it is not so (or cannot be read:
   * {@link #problem} says that). Never shows the password.
   */
  public static String secretsForm(Path file, String user) {
    if (user == null || user.isEmpty()) return null;
    try {
      if (!firstLine(file).startsWith(user + ":")) return null;
    } catch (IOException e) {
      return null;
    }
    return "holds '" + user + ":...' on its first line, the line of an rsync daemon's secrets file (user:password): a password file holds"
        + " the password alone (what follows '" + user + ":'), which rsync sends as it is";
  }

  /**
   * Words about a first line that ends in a space or a tab, which rsync sends as part of the password
   * (a daemon whose secret has none then refuses every login, with no hint why); null when it does not
   * (or cannot be read). A warning, not a refusal: a password may end so. Never shows the password.
   */
  public static String endsInBlank(Path file) {
    try {
      String first = firstLine(file);
      if (first.isEmpty() || !Character.isWhitespace(first.charAt(first.length() - 1))) return null;
    } catch (IOException e) {
      return null;
    }
    return "its first line ends in a space or tab, which rsync sends as part of the password: if the daemon's secret has none, remove it";
  }

  /** Checks the file (see {@link #problem}) and returns its first line. */
  public static String read(Path file) {
    return read(file, "password");
  }

  /** {@link #read(Path)} for a file that holds another {@code secret} ("token"). */
  public static String read(Path file, String secret) {
    String p = problem(file, secret);
    if (p != null) throw new LivesyncException(secret + " file " + file + " " + p, 2);
    try {
      return firstLine(file);
    } catch (IOException e) {
      throw new LivesyncException(secret + " file " + file + " cannot be read: " + e.getMessage(), 2, e);
    }
  }

  private static String firstLine(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    return (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
  }
}
