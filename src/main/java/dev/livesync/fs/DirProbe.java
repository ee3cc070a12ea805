package dev.livesync.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Whether this user can make (or write in) a directory livesync keeps its files in — a state dir,
 * the status socket's directory — found by trying: the nearest part of the path that exists must be
 * a directory, and an entry made in it and removed at once must succeed. {@code access(2)} is not
 * enough: it says yes to root on {@code /proc}, where no directory can be made. {@code run},
 * {@code run --check} and {@code doctor} ask the same, so they say the same.
 */
public final class DirProbe {
  private DirProbe() {}

  /** Why {@code dir} cannot be made or written by this user, as words after its name; null when it can. */
  public static String problem(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    Path p = abs;
    while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) p = p.getParent();
    if (p == null) return "no part of it exists";
    if (!Files.isDirectory(p)) return (p.equals(abs) ? "it" : p.toString()) + " is not a directory";
    try {
      Files.delete(Files.createTempDirectory(p, ".livesync-probe-"));
    } catch (IOException e) {
      return (p.equals(abs) ? "" : "cannot make a directory in " + p + ": ") + reason(e);
    }
    return null;
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof NoSuchFileException) return "the file system there does not let directories be made";
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason().toLowerCase(java.util.Locale.ROOT);
    return e.toString();
  }
}
