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
      for (String ex : s.excludes().patterns()) {
        String words = sourcePathInExclude(s.source(), ex);
        if (words != null) out.add(Key.EXCLUDE.refuse(ex, words.replace("%", "%%")).at(i, -1));
      }
      String all = ExcludeAll.pattern(s.excludes().patterns());
      if (all != null) out.add(Key.EXCLUDE.refuse(all, ExcludeAll.words(all)).at(i, -1));
      for (int j = 0; j < s.targets().size(); j++) {
        List<SettingException> files = s.targets().get(j).options().fileProblems();
        for (SettingException e : files) out.add(e.at(i, j));
        if (files.isEmpty()) {
          SettingException secrets = secretsForm(s.targets().get(j));
          if (secrets != null) out.add(secrets.at(i, j));
        }
        SettingException args = dev.livesync.transport.RsyncOptionProbe.problem(s.targets().get(j).options());
        if (args != null) out.add(args.at(i, j));
        String f = s.targets().get(j).target() instanceof Target.Local l ? notADirectory(l.dir()) : null;
        if (f != null) out.add(Key.URL.refuse(s.targets().get(j).describe(), f).at(i, j));
      }
    }
    out.addAll(overlaps(syncs));
    return out;
  }

  /**
   * An exclude written as the absolute path of something in the source ({@code /data/cache} for the
   * source {@code /data}), as for find or inotifywait: rsync anchors a leading / at the source, so it
   * would match {@code /data/data/cache} and leave out nothing. Unless the source really holds that
   * path. Null when the pattern is not such.
   */
  public static String sourcePathInExclude(byte[] source, String pattern) {
    String src = new String(source, StandardCharsets.UTF_8);
    while (src.length() > 1 && src.endsWith("/")) src = src.substring(0, src.length() - 1);
    if (src.equals("/") || !pattern.startsWith(src + "/")) return null;
    String inside = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
    if (Files.exists(Path.of(src + inside), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
    return "begins with the source's own path " + src + ", but a pattern starting with / is anchored at the source (it would mean "
        + src + pattern + ", which is not there, and leave out nothing): write " + pattern.substring(src.length());
  }

  /** A daemon target's password file that holds the daemon's secrets line for its user ("user:password"), as a refusal; else null. */
  public static SettingException secretsForm(TargetSpec t) {
    Path pw = t.options().passwordFile();
    if (pw == null || !(t.target() instanceof Target.Daemon d)) return null;
    String words = dev.livesync.settings.PasswordFile.secretsForm(pw, d.user());
    return words == null ? null : Key.PASSWORD_FILE.refuse(pw.toString(), words.replace("%", "%%"));
  }

  /**
   * {@code watcher = fanotify} where fanotify cannot mark the source (overlayfs, a btrfs subvolume,
   * no file handles, no CAP_SYS_ADMIN): {@code run} and {@code run --check} refuse it in the same
   * words, before anything starts. Not asked of an absent source (said as that).
   */
  public static List<SettingException> watchers(List<EngineSettings> syncs) {
    List<SettingException> out = new ArrayList<>();
    for (int i = 0; i < syncs.size(); i++) {
      EngineSettings s = syncs.get(i);
      if (s.watcher() != dev.livesync.fs.WatcherChoice.Kind.FANOTIFY || source(s.source()) != null) continue;
      String why = dev.livesync.fs.WatcherChoice.fanotifyProblem(s.source());
      // the other choices as the user gives them (--watcher inotify, watcher = "inotify"), as run's own refusal says them
      var set = s.watcherSetting();
      String instead = " (use " + set.apply(dev.livesync.fs.WatcherChoice.Kind.INOTIFY) + " or " + set.apply(dev.livesync.fs.WatcherChoice.Kind.AUTO) + ")";
      if (why != null) out.add(Key.WATCHER.refuse("fanotify", why + instead).at(i, -1));
    }
    return out;
  }

  /**
   * Targets inside their source (or around it), targets inside one another — within a sync or
   * across the syncs of a config — and targets that overlap another sync's source, compared by real
   * path and device/inode ({@link Overlap}). Each pair is said once, of its later target (a target
   * and another sync's source: of the target).
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
    boolean[][] reaches = reaches(syncs); // realpath lookups per target and source: once for both checks
    out.addAll(rounds(syncs, reaches));
    for (SettingException e : intoOtherSources(syncs, reaches)) {
      if (out.stream().noneMatch(o -> o.sync() == e.sync() && o.target() == e.target())) out.add(e);
    }
    return out;
  }

  /**
   * Targets that hold another sync's source, are it, or lie inside it, where those syncs do not
   * copy into each other in a round ({@link #rounds} says those): the target's deletions would remove
   * that sync's live files — all of them when the target holds the source. Said of the target, once.
   */
  static List<SettingException> intoOtherSources(List<EngineSettings> syncs, boolean[][] reaches) {
    List<SettingException> out = new ArrayList<>();
    for (int i = 0; i < syncs.size(); i++) {
      List<TargetSpec> ts = syncs.get(i).targets();
      for (int j = 0; j < ts.size(); j++) {
        for (int k = 0; k < syncs.size(); k++) {
          if (k == i || reaches[k][i]) continue; // itself, or a round
          EngineSettings other = syncs.get(k);
          String words = Overlap.withSourceOf(other.name(), Path.of(new String(other.source(), StandardCharsets.UTF_8)), ts.get(j).target());
          if (words != null) {
            out.add(Key.URL.refuse(ts.get(j).describe(), words).at(i, j));
            break;
          }
        }
      }
    }
    return out;
  }

  /** reaches[i][k]: a target of sync i leads into sync k's source, directly or through other syncs. */
  private static boolean[][] reaches(List<EngineSettings> syncs) {
    int n = syncs.size();
    boolean[][] reaches = new boolean[n][n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        if (i == k) continue;
        Path source = Path.of(new String(syncs.get(k).source(), StandardCharsets.UTF_8));
        for (TargetSpec t : syncs.get(i).targets()) reaches[i][k] |= Overlap.withSource(source, t.target()) != null;
      }
    }
    for (int m = 0; m < n; m++) {
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) reaches[i][k] |= reaches[i][m] && reaches[m][k];
      }
    }
    return reaches;
  }

  /**
   * Syncs whose targets lead into one another's sources in a round (a copies into b's source, b into
   * a's): each change would go round between them without end, each sync's deletions undoing the
   * other's writes. Said once per round, of the target that leads back to an earlier sync (a chain,
   * a into b's source and b elsewhere, is {@link #intoOtherSources}'s).
   */
  static List<SettingException> rounds(List<EngineSettings> syncs, boolean[][] reaches) {
    int n = syncs.size();
    Path[] sources = new Path[n];
    for (int i = 0; i < n; i++) sources[i] = Path.of(new String(syncs.get(i).source(), StandardCharsets.UTF_8));
    List<SettingException> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i; k++) {
        if (!reaches[k][i]) continue;
        List<TargetSpec> ts = syncs.get(i).targets();
        for (int j = 0; j < ts.size(); j++) {
          if (Overlap.withSource(sources[k], ts.get(j).target()) == null) continue;
          String words = "leads into the source of sync " + syncs.get(k).name() + " (" + sources[k] + "), whose targets lead back into this"
              + " sync's source " + sources[i] + ": each change would go round between the syncs without end, and each one's deletions"
              + " would undo the other's writes; give the syncs targets outside each other's sources";
          out.add(Key.URL.refuse(ts.get(j).describe(), words).at(i, j));
        }
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

  /**
   * Why {@code sync} could not make or write its state dir, in the words (and for the exit code, 73)
   * that its start would refuse it with; null when it can. For {@code run --check}.
   */
  public static String stateDir(EngineSettings sync) {
    return StateLock.problem(sync.stateDir(), sync.name());
  }

  /** The refusal (exit 75) the start of {@code sync} would meet because another run holds its state dir; null when none does. */
  public static dev.livesync.LivesyncException stateDirHeld(EngineSettings sync) {
    return StateLock.heldElsewhere(sync.stateDir(), sync.name());
  }

  /** The refusal (exit 75) the start of {@code sync} would meet because another livesync's sync writes one of its targets; null when none does. */
  public static dev.livesync.LivesyncException targetHeld(EngineSettings sync) {
    return TargetLocks.heldElsewhere(sync.targets());
  }

  /**
   * Who in another livesync writes {@code target} of {@code sync} ("already written by sync ..."), as
   * the words of {@link #targetHeld}; null when none does, or when that is {@code sync} itself, running.
   */
  public static String targetWrittenBy(EngineSettings sync, dev.livesync.transport.TargetSpec target) {
    return TargetLocks.heldBy(target, stateDirHeld(sync) == null ? null : sync.name());
  }

  /** What keeps livesync from watching and reading {@code source}, as words after its name; null when nothing does. */
  public static String source(byte[] source) {
    Libc.Stat st = Libc.statOrNull(source);
    if (st == null) return "does not exist";
    if (!st.isDir()) return "is not a directory";
    Path p = Path.of(new String(source, java.nio.charset.StandardCharsets.UTF_8));
    Libc.Stat link = Libc.lstatOrNull(source);
    if (link != null && link.isSymlink()) {
      // the engine watches and checks the directory itself (lstat): one answer for run, --check, doctor and verify
      String real;
      try {
        real = p.toRealPath().toString();
      } catch (java.io.IOException e) {
        real = "?";
      }
      return "is a symlink (to " + real + "): give the real path (livesync watches the directory itself, and a symlink changed later"
          + " would change what is replicated)";
    }
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
