package dev.livesync.fs;

import static dev.livesync.fs.InotifyMask.IN_ACCESS;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_NOWRITE;
import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_DELETE;
import static dev.livesync.fs.InotifyMask.IN_DELETE_SELF;
import static dev.livesync.fs.InotifyMask.IN_ISDIR;
import static dev.livesync.fs.InotifyMask.IN_MOVED_FROM;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;
import static dev.livesync.fs.InotifyMask.IN_MOVE_SELF;
import static dev.livesync.fs.InotifyMask.IN_OPEN;

import dev.livesync.fs.FanotifyWatcher.Marks;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The marks of a {@link FanotifyWatcher}: one filesystem mark, or an inode mark per directory (the
 * tree's at the start, a new directory's with what it holds), and the events they carry (the same
 * for every mark, settled by the first: FAN_RENAME where the kernel has it).
 */
final class FanotifyMarks {
  private static final int LISTING = IN_OPEN | IN_ACCESS | IN_CLOSE_NOWRITE;
  private static final byte[] SLASH = {'/'};

  private final Fanotify fan;
  private final WatcherBuilder.Options options;
  private final boolean selfEvents;
  private Marks kind;
  private long kernelMask = -1;
  private int count;

  FanotifyMarks(Fanotify fan, Marks kind, WatcherBuilder.Options options, boolean selfEvents) {
    this.fan = fan;
    this.kind = kind;
    this.options = options;
    this.selfEvents = selfEvents;
  }

  /** How the tree is marked (FILESYSTEM_OR_INODE settles at the first watch). */
  Marks kind() {
    return kind;
  }

  /** Marks held: 1 for a filesystem mark, one per directory with inode marks. */
  int count() {
    return count;
  }

  /**
   * Marks the filesystem holding the directory {@code path}, or {@code path} and, when recursive,
   * every directory below it (listed before marked: no listing events); a root of {@code roots} from
   * here on, unless the mark is refused (thrown).
   */
  void watch(byte[] path, FanotifyRoots roots) {
    if (kind == Marks.FILESYSTEM_OR_INODE) {
      int r = fan.markRaw(Fanotify.FAN_MARK_FILESYSTEM, IN_CREATE | Fanotify.FAN_ONDIR, path); // a probe; the real mask follows
      kind = r == 0 ? Marks.FILESYSTEM : Marks.INODE;
    }
    int flags = kind == Marks.FILESYSTEM ? Fanotify.FAN_MARK_FILESYSTEM : Fanotify.FAN_MARK_INODE | Fanotify.FAN_MARK_ONLYDIR;
    long extra = Fanotify.FAN_ONDIR | (kind == Marks.INODE ? Fanotify.FAN_EVENT_ON_CHILD : 0);
    FanotifyRoots.Root root = roots.add(path); // its descriptor is opened before the mark: that OPEN is nobody's event
    List<byte[]> below = kind == Marks.INODE && options.recursive() ? subdirs(root.given()) : List.of(); // listed before marked: no listing events
    try {
      mark(path, flags, extra);
    } catch (NativeException e) {
      roots.remove(root);
      throw e;
    }
    count++;
    for (byte[] d : below) markDir(d, kernelMask);
  }

  private void mark(byte[] path, int flags, long extra) {
    if (kernelMask < 0) {
      long events = (options.mask() & 0xfff) | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
      if (!selfEvents) events &= ~(IN_DELETE_SELF | IN_MOVE_SELF); // the root's own are made from its parent's events
      long rename = events & ~(IN_MOVED_FROM | IN_MOVED_TO) | Fanotify.FAN_RENAME;
      int r = fan.markRaw(flags, rename | extra, path);
      if (r == -Errno.EINVAL) r = fan.markRaw(flags, (rename = events) | extra, path); // before 5.17
      if (r < 0) throw new NativeException("fanotify_mark", -r, path);
      kernelMask = rename | extra;
    } else {
      int r = fan.markRaw(flags, kernelMask, path);
      if (r < 0) throw new NativeException("fanotify_mark", -r, path);
    }
  }

  /** Every directory below {@code dir} (shown form, with a slash; excluded ones and below left out), each with a slash. */
  private List<byte[]> subdirs(byte[] dir) {
    List<byte[]> out = new ArrayList<>();
    walk(dir, false, null, out::add);
    return out;
  }

  /**
   * A directory appeared at {@code newDir} (shown form, with a slash): with inode marks it and what
   * it holds are marked — without the listing events until its subtree is listed (as inotifywait's
   * own listing is not reported); with {@code report} what it holds goes to {@code emit} as CREATEs.
   */
  void newDir(byte[] newDir, boolean report, Consumer<WatchEvent> emit) {
    if (kind == FanotifyWatcher.Marks.INODE) {
      List<byte[]> marked = new ArrayList<>();
      if (markDir(newDir, kernelMask & ~LISTING)) marked.add(newDir);
      walk(newDir, report, emit, d -> {
        if (markDir(d, kernelMask & ~LISTING)) marked.add(d);
      });
      if ((kernelMask & LISTING) != 0) for (byte[] d : marked) fan.markRaw(Fanotify.FAN_MARK_INODE | Fanotify.FAN_MARK_ONLYDIR | Fanotify.FAN_MARK_DONT_FOLLOW, kernelMask, d);
    } else if (report) {
      walk(newDir, true, emit, d -> {});
    }
  }

  /**
   * Depth first below {@code dir} (shown form, with a slash), without recursion: each directory that
   * is not excluded to {@code subdir} (with a slash) before it is listed in turn; with {@code report}
   * a synthetic CREATE for each entry to {@code emit}. A directory gone meanwhile is skipped; other
   * failures go to the error handler.
   */
  private void walk(byte[] dir, boolean report, Consumer<WatchEvent> emit, Consumer<byte[]> subdir) {
    ArrayDeque<byte[]> todo = new ArrayDeque<>();
    todo.push(dir);
    while (!todo.isEmpty()) {
      byte[] d = todo.pop();
      try {
        Libc.listDir(d, !report, (name, type) -> {
          byte[] child = Bytes.concat(d, name);
          boolean isDir = Libc.isDir(type, child);
          if (report) emit.accept(new WatchEvent(FanotifyWatcher.WD, IN_CREATE | (isDir ? IN_ISDIR : 0), 0, d, name, true));
          if (isDir && !options.excludeDir().test(child)) {
            byte[] c = Bytes.concat(child, SLASH);
            subdir.accept(c);
            todo.push(c);
          }
        });
      } catch (NativeException e) {
        if (!Errno.gone(e.errno())) options.onError().onWatchError(Bytes.trimSlash(d), e);
      }
    }
  }

  /** An inode mark on {@code dir} with {@code events} (added to what it has); false when it could not be made. */
  private boolean markDir(byte[] dir, long events) {
    int r = fan.markRaw(Fanotify.FAN_MARK_INODE | Fanotify.FAN_MARK_ONLYDIR | Fanotify.FAN_MARK_DONT_FOLLOW, events, dir);
    if (r == 0) {
      count++; // re-marks with more events go straight to markRaw
      return true;
    }
    if (!Errno.gone(-r)) options.onError().onWatchError(Bytes.trimSlash(dir), new NativeException("fanotify_mark", -r, Bytes.trimSlash(dir)));
    return false;
  }
}
