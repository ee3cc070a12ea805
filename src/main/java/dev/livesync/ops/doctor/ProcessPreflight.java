package dev.livesync.ops.doctor;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.RealPath;
import dev.livesync.ops.status.StatusServer;
import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import dev.livesync.sync.EngineSettings;
import dev.livesync.transport.Overlap;
import dev.livesync.transport.TargetSpec;
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
   * for one; a sync's state dir, or the log file, inside a source or inside a target of this host
   * (compared by real path and bind mount, as targets are) and not excluded there. {@code logFile}
   * and {@code statusSocket} may be null (none, or not this command's). Each is said once.
   */
  public static List<SettingException> problems(List<EngineSettings> syncs, Path logFile, Path statusSocket) {
    Map<String, SettingException> out = new LinkedHashMap<>();
    if (statusSocket != null) {
      String p = StatusServer.pathProblem(statusSocket);
      if (p != null) add(out, Key.STATUS_SOCKET.refuse(statusSocket.toString(), p));
    }
    for (EngineSettings s : syncs) {
      refuseInside(out, syncs, Key.STATE_DIR, s.stateDir().getParent(), s.stateDir(), true,
          "the sync's journal and lock would be replicated with it, each of their writes a change to send, and every stop would"
              + " look unclean; choose a state dir outside every source",
          "the sync's full syncs would delete its journal, lock and held deletions there, and a second run of the sync could"
              + " then start beside it; choose a state dir outside every target");
    }
    if (logFile != null) {
      refuseInside(out, syncs, Key.LOG_FILE, logFile, logFile, false,
          "each line logged would be a change to replicate, whose batch logs a line, without end; choose a log file outside"
              + " every source",
          "the sync's full syncs would delete it, and livesync would log on into a deleted file; choose a log file outside"
              + " every target");
    }
    return List.copyOf(out.values());
  }

  /**
   * Refuses {@code key}'s value {@code shown} when {@code path} (a directory when {@code dir}) lies in a
   * source of {@code syncs}, then when it lies in one of their targets: {@code whySource} and
   * {@code whyTarget} say what would go wrong there.
   */
  private static void refuseInside(Map<String, SettingException> out, List<EngineSettings> syncs, Key key, Path shown, Path path,
      boolean dir, String whySource, String whyTarget) {
    for (EngineSettings in : syncs) {
      String source = inSource(path, dir, in);
      if (source != null) add(out, key.refuse(shown.toString(), "is inside the source " + source + ": " + whySource));
    }
    for (EngineSettings of : syncs) {
      String target = inTarget(path, dir, of);
      if (target != null) add(out, key.refuse(shown.toString(), "is inside the target " + target + ": " + whyTarget));
    }
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
    RealPath src = RealPath.of(source);
    return src.exists() && within(path, dir, src, sync) ? source.toString() : null;
  }

  /**
   * The target of {@code sync} (as shown) that {@code path} lies in — a directory of this host its
   * deletions reach: local, ssh to this host, or a daemon's module here ({@link Overlap}) — unless the
   * sync's excludes leave {@code path} out (rsync deletes no excluded path); null when none. A target
   * that overlaps its sync's own source is not asked: it is refused for that, the one line to fix first
   * (nothing is ever sent to it), and a second line about the same target would only add noise.
   */
  private static String inTarget(Path path, boolean dir, EngineSettings sync) {
    Path source = Path.of(new String(sync.source(), StandardCharsets.UTF_8));
    for (TargetSpec t : sync.targets()) {
      if (Overlap.withSource(source, t.target()) != null) continue;
      Path d = Overlap.directoryOnThisHost(t.target());
      if (d != null && within(path, dir, RealPath.of(d), sync)) return t.describe();
    }
    return null;
  }

  /** Whether {@code path} lies in {@code top} (real paths: through symlinks and bind mounts) and {@code sync}'s excludes keep it. */
  private static boolean within(Path path, boolean dir, RealPath top, EngineSettings sync) {
    Path p = path;
    try {
      if (Files.exists(p)) p = p.toRealPath(); // a log file that is a symlink into the tree
    } catch (IOException e) {
      // compared as written
    }
    RealPath real = RealPath.of(p);
    if (!real.within(top)) return false;
    if (real.path().startsWith(top.path()) && !real.path().equals(top.path())) {
      byte[] rel = Bytes.of(top.path().relativize(real.path()).toString());
      if (sync.excludes().excluded(rel, dir)) return false; // never replicated, never deleted
    }
    return true;
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
