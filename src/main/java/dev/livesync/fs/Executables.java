package dev.livesync.fs;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds a program as execvp(3) would: a name with a '/' as it is, any other in the directories of PATH. */
public final class Executables {
  private Executables() {}

  /** The executable file {@code program} names, or null when there is none. */
  public static Path find(String program) {
    return find(program, System.getenv("PATH"));
  }

  /** {@link #find(String)} with {@code path} for PATH (a child's own, say). */
  static Path find(String program, String path) {
    if (program.contains("/")) return runnable(Path.of(program)) ? Path.of(program) : null;
    for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
      if (dir.isEmpty()) continue;
      Path p = Path.of(dir, program);
      if (runnable(p)) return p;
    }
    return null;
  }

  private static boolean runnable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }
}
