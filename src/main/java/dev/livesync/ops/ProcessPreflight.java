package dev.livesync.ops;

import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import dev.livesync.sync.EngineSettings;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.RealPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the values of run's process-wide settings — {@code state_dir}, {@code log_file},
 * {@code status_socket} — cannot tell by themselves: whether the file system lets them be used as
 * livesync would use them. {@code run} (and so {@code run --check} and {@code start}) refuses each in
 * the words of a bad value, by its flag (exit 2) or located at its key in the file (78), and
 * {@code doctor} FAILs the same; the sync's own settings are {@link dev.livesync.sync.Preflight}'s.
 */
public final class ProcessPreflight {
  private ProcessPreflight() {}

  /**
   * Every problem: a status socket's path that names something other than a socket, or is too long
   * for one; a sync's state dir, or the log file, inside a source (compared by real path, as targets
   * are) and not excluded there. {@code logFile} and {@code statusSocket} may be null (none, or not
   * this command's). Each is said once.
   */
  public static List<SettingException> problems(List<EngineSettings> syncs, Path logFile, Path statusSocket) {
    Map<String, SettingException> out = new LinkedHashMap<>();
    if (statusSocket != null) {
      String p = StatusServer.pathProblem(statusSocket);
      if (p != null) add(out, Key.STATUS_SOCKET.refuse(statusSocket.toString(), p));
    }
    for (EngineSettings s : syncs) {
      Path root = s.stateDir().getParent();
      for (EngineSettings in : syncs) {
        String source = inSource(s.stateDir(), true, in);
        if (source != null) {
          add(out, Key.STATE_DIR.refuse(root.toString(), "is inside the source " + source + ": the sync's journal and lock would be"
              + " replicated with it, each of their writes a change to send, and every stop would look unclean; choose a state dir"
              + " outside every source"));
        }
      }
    }
    if (logFile != null) {
      for (EngineSettings in : syncs) {
        String source = inSource(logFile, false, in);
        if (source != null) {
          add(out, Key.LOG_FILE.refuse(logFile.toString(), "is inside the source " + source + ": each line logged would be a change"
              + " to replicate, whose batch logs a line, without end; choose a log file outside every source"));
        }
      }
    }
    return List.copyOf(out.values());
  }

  private static void add(Map<String, SettingException> out, SettingException e) {
    out.putIfAbsent(e.key() + " " + e.words(Key::configName), e);
  }

  /**
   * The source of {@code sync} as shown when {@code path} lies in it (real paths: through symlinks
   * and bind mounts) and none of its excludes leaves it out; null when it does not.
   */
  private static String inSource(Path path, boolean dir, EngineSettings sync) {
    Path source = Path.of(new String(sync.source(), StandardCharsets.UTF_8));
    Path p = path;
    try {
      if (Files.exists(p)) p = p.toRealPath(); // a log file that is a symlink into the source
    } catch (IOException e) {
      // compared as written
    }
    RealPath real = RealPath.of(p), src = RealPath.of(source);
    if (!src.exists() || !real.within(src)) return null;
    if (real.path().startsWith(src.path()) && !real.path().equals(src.path())) {
      byte[] rel = Bytes.of(src.path().relativize(real.path()).toString());
      if (sync.excludes().excluded(rel, dir)) return null; // never replicated
    }
    return source.toString();
  }

  /** What doctor calls the file a process setting names: {@code status socket}, {@code state dir}, {@code log file}. */
  public static String label(Key k) {
    return switch (k) {
      case STATUS_SOCKET -> "status socket";
      case STATE_DIR -> "state dir";
      case LOG_FILE -> "log file";
      default -> k.configName();
    };
  }
}
