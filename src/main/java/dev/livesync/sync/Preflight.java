package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
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
      }
    }
    return out;
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
    return null;
  }
}
