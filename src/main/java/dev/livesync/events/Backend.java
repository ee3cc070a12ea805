package dev.livesync.events;

import dev.livesync.fs.Errno;
import dev.livesync.fs.FanotifyWatcher;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import dev.livesync.fs.TreeWatcher;
import dev.livesync.fs.WatchErrorHandler;
import dev.livesync.fs.Watcher;
import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * inotify or fanotify for {@code events}/{@code stats}, as inotify-tools 4.25 chooses and names them:
 * {@code -I} inotify, {@code -F} fanotify for the trees given, {@code -S} one fanotify mark for the
 * whole filesystem; fanotify by default when run as fsnotifywait or fsnotifywatch. inotify-tools'
 * {@code -F} puts an inode mark on each directory; livesync uses one filesystem mark filtered to the
 * trees where the kernel allows it (the same events; setup and memory flat in the tree's size, no
 * mark limit), and inode marks where it does not.
 */
final class Backend {
  private Backend() {}

  /** The name this was run as (bin/fsnotifywait sets it), else {@code inotifyName}. */
  static String tool(String inotifyName) {
    String argv0 = System.getProperty("livesync.argv0", "");
    String fs = "fs" + inotifyName.substring(1); // inotifywait -> fsnotifywait
    return argv0.equals(fs) ? fs : inotifyName;
  }

  static boolean fanotifyByDefault(String tool) {
    return tool.startsWith("fsnotify");
  }

  /** A watcher of the chosen kind; a NativeException when the kernel refuses the group or instance. */
  static Watcher open(boolean fanotify, boolean filesystem, int mask, boolean recursive, Predicate<byte[]> exclude,
      WatchErrorHandler onError) {
    if (!fanotify) {
      return TreeWatcher.builder().mask(mask).recursive(recursive).reportNewDirContents(false)
          .excludeDir(exclude).onWatchError(onError).build();
    }
    return FanotifyWatcher.builder().mask(mask).recursive(recursive).reportNewDirContents(false)
        .marks(filesystem ? FanotifyWatcher.Marks.FILESYSTEM : FanotifyWatcher.Marks.FILESYSTEM_OR_INODE)
        .filterToRoot(!filesystem).selfEvents(true).realPaths(true)
        .excludeDir(exclude).onWatchError(onError).build();
  }

  /** inotify-tools' warn_inotify_init_error. */
  static void initError(PrintStream err, boolean fanotify, NativeException e) {
    String backend = fanotify ? "fanotify" : "inotify";
    err.print("Couldn't initialize " + backend + ": " + Libc.strerror(e.errno()) + "\n");
    if (e.errno() == Errno.EMFILE) {
      err.print("Try increasing the value of /proc/sys/fs/" + backend + "/max_user_" + (fanotify ? "groups" : "instances") + "\n");
    }
    if (fanotify && e.errno() == Errno.EINVAL) err.print("fanotify support for reporting the events with file names was added in kernel v5.9.\n");
    if (fanotify && e.errno() == Errno.EPERM) err.print("fanotify watch requires admin privileges\n");
  }

  /**
   * An error watching a directory met while recursing: EACCES, ENOENT and ELOOP pass silently; while
   * setting up, the error is thrown on; afterwards it is said with {@code say}.
   */
  static void watchError(byte[] dir, NativeException e, boolean settingUp, Consumer<String> say) {
    int errno = e.errno();
    if (errno == Errno.EACCES || errno == Errno.ENOENT || errno == Errno.ELOOP) return;
    if (settingUp) throw e;
    say.accept("Couldn't watch new directory " + RawArgs.latin1(dir) + "/: " + Libc.strerror(errno) + "\n");
  }

  /**
   * Says with {@code say} why a path given could not be watched, as inotify-tools does; {@code other}
   * begins the message for an errno without a message of its own ("Couldn't watch " in inotifywait,
   * "Failed to watch " in inotifywatch).
   */
  static void watchFailed(NativeException e, String file, PathList list, boolean fanotify, boolean filesystem,
      String other, Consumer<String> say) {
    String backend = fanotify ? "fanotify" : "inotify";
    String resource = fanotify ? "marks" : "watches";
    if (filesystem) {
      say.accept("Couldn't add filesystem watch " + list.watch().getFirst() + ": " + Libc.strerror(e.errno()) + "\n");
    } else if (e.errno() == Errno.ENOSPC) {
      say.accept("Failed to watch " + file + "; upper limit on " + backend + " " + resource + " reached!\n");
      say.accept("Please increase the amount of " + backend + " " + resource + " allowed per user via "
          + "`/proc/sys/fs/" + backend + "/max_user_" + resource + "'.\n");
    } else {
      say.accept(other + file + ": " + Libc.strerror(e.errno()) + "\n");
    }
  }
}
