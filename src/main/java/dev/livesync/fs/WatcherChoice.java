package dev.livesync.fs;

import dev.livesync.LivesyncException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Which {@link Watcher} a source gets ({@code watcher = auto | inotify | fanotify}) and why, and
 * making it. {@code auto} takes fanotify only where one filesystem mark sees nothing but the source:
 * the source is the root of a filesystem mounted whole (its own disk, partition or loop image).
 * Anywhere else the mark would also read every change made elsewhere on that filesystem (builds,
 * logs, package managers): each is read, resolved and dropped, and a busy neighbour can overflow the
 * queue and force a full sync; inotify sees only the tree, so {@code auto} keeps it there. Where
 * fanotify cannot mark the source at all (no CAP_SYS_ADMIN or CAP_DAC_READ_SEARCH, a kernel before 5.9, a btrfs subvolume,
 * a filesystem without file handles such as many NFS and FUSE mounts, overlayfs) {@code auto} says
 * why and uses inotify; an explicit {@code fanotify} is refused with the same words.
 */
public final class WatcherChoice {
  private WatcherChoice() {}

  /** What was asked for. */
  public enum Kind {
    AUTO, INOTIFY, FANOTIFY;

    /** auto | inotify | fanotify (the settings check the word first). */
    public static Kind parse(String s) {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The watcher a source gets ({@link Kind#INOTIFY} or {@link Kind#FANOTIFY}) and why, in words for the log and doctor. */
  public record Decision(Kind kind, String why) {
    @Override
    public String toString() {
      return kind.word() + " (" + why + ")";
    }
  }

  /**
   * Decides for {@code source}; an explicit fanotify that cannot be had throws (exit 2) with the
   * reason. {@code setting} words the setting as the user gives it, for each kind: {@code --watcher
   * fanotify} for a sync from the command line, {@code watcher = "fanotify"} for one from a config file.
   */
  public static Decision decide(Kind asked, byte[] source, Function<Kind, String> setting) {
    if (asked == Kind.INOTIFY) return new Decision(Kind.INOTIFY, setting.apply(Kind.INOTIFY));
    String shown = Bytes.display(source);
    Path real = realPath(source);
    String refused = fanotifyRefused(source, real);
    if (asked == Kind.FANOTIFY) {
      if (refused != null) {
        throw new LivesyncException(refusal(shown, refused) + " (use " + setting.apply(Kind.INOTIFY) + " or " + setting.apply(Kind.AUTO) + ")", 2);
      }
      return new Decision(Kind.FANOTIFY, setting.apply(Kind.FANOTIFY));
    }
    if (refused != null) return new Decision(Kind.INOTIFY, "fanotify cannot watch it: " + refused);
    Mounts.Mount m = real == null ? null : Mounts.of(real);
    if (m != null && m.mountPoint().equals(real.toString()) && m.root().equals("/")) {
      String below = mountedBelow(real);
      if (below != null) {
        return new Decision(Kind.INOTIFY, "the source is the whole " + m.type() + " filesystem " + m.device() + ", but " + below
            + " is mounted below it, which a fanotify filesystem mark would not see (" + setting.apply(Kind.FANOTIFY) + " takes it anyway)");
      }
      return new Decision(Kind.FANOTIFY, "the source is the whole " + m.type() + " filesystem " + m.device()
          + ": one filesystem mark covers it, no watch per directory");
    }
    String where = m == null ? "a filesystem it shares with other directories"
        : "the " + m.type() + " filesystem mounted at " + m.mountPoint() + (m.root().equals("/") ? "" : " (a part of it: " + m.root() + ")");
    return new Decision(Kind.INOTIFY, "the source is a directory inside " + where
        + "; a fanotify filesystem mark would also read every change made elsewhere on it (" + setting.apply(Kind.FANOTIFY) + " takes it anyway)");
  }

  /** Why {@code watcher = fanotify} cannot be had on directory {@code source}, in the words {@link #decide} throws; null when it can. */
  public static String fanotifyProblem(byte[] source) {
    String refused = fanotifyRefused(source, realPath(source));
    return refused == null ? null : refusal(Bytes.display(source), refused);
  }

  /**
   * A filesystem mounted below {@code source} now, as "MOUNT POINT (TYPE DEVICE)", or null: the
   * filesystem mark does not see it (another filesystem, or a bind mount, whose changes it names by
   * their path through the source's mount), so changes there reach the targets only with full syncs.
   */
  public static String mountedBelow(byte[] source) {
    Path real = realPath(source);
    return real == null ? null : mountedBelow(real);
  }

  private static String mountedBelow(Path real) {
    String prefix = real.toString().equals("/") ? "/" : real + "/";
    for (Mounts.Mount m : Mounts.all()) {
      if (m.mountPoint().startsWith(prefix) && m.mountPoint().length() > prefix.length()) {
        return m.mountPoint() + " (" + m.type() + " " + m.device() + ")";
      }
    }
    return null;
  }

  /** What {@code source} really is (symlinks resolved), or null when it cannot be told. */
  private static Path realPath(byte[] source) {
    try {
      return Path.of(new String(source, java.nio.charset.StandardCharsets.UTF_8)).toRealPath();
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private static String refusal(String shown, String why) {
    return "cannot watch " + shown + " with fanotify: " + why;
  }

  /** Why fanotify cannot watch {@code source}, or null when a filesystem mark on it works. */
  static String fanotifyRefused(byte[] source, Path real) {
    Mounts.Mount m = real == null ? null : Mounts.of(real);
    if (m != null && m.type().equals("overlay"))
      return "it is on overlayfs, whose file handles fanotify cannot report for the layers' files";
    Fanotify f;
    try {
      f = Fanotify.open();
    } catch (NativeException e) {
      return switch (e.errno()) {
        case Errno.EPERM -> "fanotify needs CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH (run livesync as root, with both capabilities)";
        case Errno.EINVAL -> "the kernel (" + System.getProperty("os.version") + ") has no FAN_REPORT_DFID_NAME (Linux 5.9 or later)";
        case 38 /* ENOSYS */ -> "the kernel (" + System.getProperty("os.version") + ") has no fanotify";
        default -> e.getMessage();
      };
    }
    try {
      int r = f.markRaw(Fanotify.FAN_MARK_FILESYSTEM, InotifyMask.IN_CREATE | Fanotify.FAN_ONDIR, source);
      if (r == 0) return null;
      String type = m == null ? "its filesystem" : m.type();
      return switch (-r) {
        case Errno.EXDEV -> "it is in a btrfs subvolume (fanotify_mark: EXDEV): a filesystem mark cannot cover a subvolume";
        case 19 /* ENODEV */, 95 /* EOPNOTSUPP */ -> type + " gives fanotify no file handles (fanotify_mark: " + Errno.name(-r) + ")";
        case Errno.EPERM -> "a filesystem mark needs CAP_SYS_ADMIN (run livesync as root)";
        case Errno.ENOENT, Errno.ENOTDIR -> "it is not a directory";
        default -> new NativeException("fanotify_mark", -r, source).getMessage();
      };
    } finally {
      f.close();
    }
  }

  /**
   * What {@link #build} makes a watcher with (the same as {@link TreeWatcher.Builder}'s options);
   * {@code progress} counts the setup of inotify's watches (fanotify's one mark needs no setup).
   */
  public record Options(int mask, boolean recursive, boolean reportNewDirContents, Predicate<byte[]> excludeDir,
      WatchErrorHandler onError, WatchProgress progress, long readAhead) {}

  /** A watcher of the decided kind, not yet watching. */
  public static Watcher build(Decision d, Options o) {
    if (d.kind() == Kind.FANOTIFY) {
      return FanotifyWatcher.builder().mask(o.mask()).recursive(o.recursive()).reportNewDirContents(o.reportNewDirContents())
          .excludeDir(o.excludeDir()).onWatchError(o.onError()).readAhead(o.readAhead()).build();
    }
    return TreeWatcher.builder().mask(o.mask()).recursive(o.recursive()).reportNewDirContents(o.reportNewDirContents())
        .excludeDir(o.excludeDir()).onWatchError(o.onError()).progress(o.progress()).readAhead(o.readAhead()).build();
  }
}
