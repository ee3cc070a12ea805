package dev.livesync.ops;

import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import dev.livesync.sync.EngineSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
   * for one. {@code logFile} and {@code statusSocket} may be null (none, or not this command's).
   */
  public static List<SettingException> problems(List<EngineSettings> syncs, Path logFile, Path statusSocket) {
    List<SettingException> out = new ArrayList<>();
    if (statusSocket != null) {
      String p = StatusServer.pathProblem(statusSocket);
      if (p != null) out.add(Key.STATUS_SOCKET.refuse(statusSocket.toString(), p));
    }
    return out;
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
