package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import dev.livesync.transport.Overlap;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the values of a sync's settings cannot tell by themselves: whether the file system they
 * point at lets them run. {@code run} refuses to start on any of these (each in the words its
 * front-end uses for a bad value, located at the setting), and {@code doctor} reports them.
 */
public final class Preflight {
  private Preflight() {}

  /** Every problem of {@code syncs}, each said of its sync ({@link SettingException#sync()}) and target. */
  public static List<SettingException> problems(List<EngineSettings> syncs) {
    List<SettingException> out = new ArrayList<>();
    for (int i = 0; i < syncs.size(); i++) {
      EngineSettings s = syncs.get(i);
      String p = source(s.source());
      if (p != null) out.add(Key.SOURCE.refuse(Bytes.display(s.source()), p).at(i, -1));
      for (int j = 0; j < s.targets().size(); j++) {
        for (SettingException e : s.targets().get(j).options().fileProblems()) out.add(e.at(i, j));
        String f = s.targets().get(j).target() instanceof Target.Local l ? notADirectory(l.dir()) : null;
        if (f != null) out.add(Key.URL.refuse(s.targets().get(j).describe(), f).at(i, j));
      }
    }
    out.addAll(overlaps(syncs));
    return out;
  }

  /**
   * Targets inside their source (or around it), and targets inside one another — within a sync or
   * across the syncs of a config — compared by real path and device/inode ({@link Overlap}).
   * Each pair is said once, of its later target.
   */
  public static List<SettingException> overlaps(List<EngineSettings> syncs) {
    List<SettingException> out = new ArrayList<>();
    List<int[]> seen = new ArrayList<>();
    for (int i = 0; i < syncs.size(); i++) {
      EngineSettings s = syncs.get(i);
      Path source = Path.of(new String(s.source(), StandardCharsets.UTF_8));
      for (int j = 0; j < s.targets().size(); j++) {
        TargetSpec t = s.targets().get(j);
        String words = Overlap.withSource(source, t.target());
        if (words == null) {
          for (int[] earlier : seen) {
            TargetSpec o = syncs.get(earlier[0]).targets().get(earlier[1]);
            String name = o.describe() + (earlier[0] == i ? "" : " of sync " + syncs.get(earlier[0]).name());
            words = Overlap.between(t, o, name);
            if (words != null) break;
          }
        }
        if (words != null) out.add(Key.URL.refuse(t.describe(), words).at(i, j));
        else seen.add(new int[] {i, j});
      }
    }
    return out;
  }

  /**
   * Why rsync could not write into the local target {@code dir}, or null: it, or the nearest part of
   * it that exists, is not a directory (a file named where a directory was meant, as an unquoted
   * {@code --exclude *.log} can leave one among run's targets).
   */
  static String notADirectory(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
      if (Files.isDirectory(p) || !Files.exists(p)) return null; // a directory, or a dangling symlink (rsync says what it makes of it)
      return (p.equals(dir) ? "is" : p + " is") + " a file, not a directory: a local target is the directory the source is copied into";
    }
    return null;
  }

  /** What keeps livesync from watching and reading {@code source}, as words after its name; null when nothing does. */
  public static String source(byte[] source) {
    Libc.Stat st = Libc.statOrNull(source);
    if (st == null) return "does not exist";
    if (!st.isDir()) return "is not a directory";
    Path p = Path.of(new String(source, java.nio.charset.StandardCharsets.UTF_8));
    if (!Files.isReadable(p) || !Files.isExecutable(p)) {
      return "cannot be read by the user running livesync (uid " + Dirs.uid() + "): livesync must list and read it; fix its mode or run livesync as its owner";
    }
    String unmounted = dev.livesync.fs.Mounts.notMounted(p);
    if (unmounted != null) {
      return dev.livesync.fs.Mounts.belowNothingMounted(unmounted) + ": livesync would replicate the directory under the mount point,"
          + " not the disk or share; mount " + unmounted + " first";
    }
    return null;
  }
}
