package dev.livesync.fs;

import static dev.livesync.fs.InotifyMask.IN_ACCESS;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_NOWRITE;
import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_DELETE;
import static dev.livesync.fs.InotifyMask.IN_DELETE_SELF;
import static dev.livesync.fs.InotifyMask.IN_DONT_FOLLOW;
import static dev.livesync.fs.InotifyMask.IN_IGNORED;
import static dev.livesync.fs.InotifyMask.IN_ISDIR;
import static dev.livesync.fs.InotifyMask.IN_MOVED_FROM;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;
import static dev.livesync.fs.InotifyMask.IN_MOVE_SELF;
import static dev.livesync.fs.InotifyMask.IN_ONESHOT;
import static dev.livesync.fs.InotifyMask.IN_ONLYDIR;
import static dev.livesync.fs.InotifyMask.IN_OPEN;
import static dev.livesync.fs.InotifyMask.IN_Q_OVERFLOW;

import dev.livesync.fs.WatchTable.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches files and directory trees with one inotify instance and keeps the wd → path table
 * ({@link WatchTable}) right as directories appear, are renamed inside the tree, moved in or out,
 * and deleted.
 *
 * <p>Events are delivered in kernel order. After delivering an event the watcher does its own
 * bookkeeping for it: a new directory is watched at once (watch first, then list, so nothing created
 * inside it is missed) and, with {@code reportNewDirContents}, what the listing finds is delivered as
 * synthetic CREATE events; a directory renamed inside the tree has its subtree's paths rewritten; a
 * directory moved out of the tree (a MOVED_FROM left unpaired at the end of a read) is unwatched.
 *
 * <p>The watcher works by path, and its paths trail the tree by the events not yet read: a directory
 * made just before one of its ancestors was renamed cannot be watched under the name its CREATE
 * gives (ENOENT), nor listed. Such a directory is {@linkplain UnresolvedDirs remembered} and watched and
 * listed again once the rename is read and the paths rewritten (else nothing made in it would ever
 * be seen); it is forgotten when its parent's watch goes, when its name is deleted or moved away, or
 * when too many wait. A name can also hold another directory by the time its CREATE is read (made,
 * renamed, and the name taken again): the watch taken by name is then that one's, so each directory
 * rename read is checked with one inotify_add_watch on the new name ({@link #verifyRenamed}).
 *
 * <p>Listing a directory queues OPEN, ACCESS and CLOSE_NOWRITE on it and on its parent. When the mask
 * asks for those ({@code inotifywait -r -e all}), the watcher keeps its own listings out of the queue,
 * as inotifywait 4.25.9's output has none of them and 100,000 directories × 6 events would overflow
 * it: the initial scan ({@link ListingFirstScan}) lists each directory before watching it, children before parents (the order
 * inotify-tools uses, so a directory made during the initial scan in a directory not yet watched is
 * missed, as with inotifywait); a new directory is still watched first and listed after, but with
 * those three bits left out of its watch until its subtree is listed. Without those bits in the mask
 * (the sync engine) the initial scan watches first and lists after, so nothing made during it is missed.
 * Single-threaded: call everything but {@link #wakeup()} from one thread.
 */
public final class TreeWatcher implements Watcher {
  /** Events the watcher needs for its bookkeeping when recursive. */
  static final int TRACKING = IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;
  /** Events a directory listing (open, getdents, close) queues on the directory and its parent. */
  static final int LISTING = IN_OPEN | IN_ACCESS | IN_CLOSE_NOWRITE;

  private final Inotify inotify;
  private final int kernelMask;
  private final WatcherBuilder.Options options;
  /** True when listings must stay out of the event queue (see the class comment). */
  private final boolean quietListing;
  private final WatchProgress progress;

  private final WatchTable table;
  private final Map<Integer, Node> movedFrom = new HashMap<>();
  /** Directories whose path was stale when they were to be watched or listed (see the class comment). */
  private final UnresolvedDirs unresolved = new UnresolvedDirs();
  private Consumer<WatchEvent> sink;

  private TreeWatcher(Builder b) {
    this.options = b.options();
    this.kernelMask = b.mask | (b.recursive ? TRACKING : 0);
    this.quietListing = b.recursive && (b.mask & LISTING) != 0;
    this.progress = b.progress;
    this.inotify = Inotify.open();
    if (b.readAhead > 0) inotify.readAhead(b.readAhead);
    this.table = new WatchTable(inotify, progress);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link TreeWatcher}. */
  public static final class Builder extends WatcherBuilder<Builder> {
    private WatchProgress progress = new WatchProgress();

    /** Where the setup of the watches is counted (directories listed and watched), for status and the log. */
    public Builder progress(WatchProgress progress) {
      this.progress = progress;
      return this;
    }

    public TreeWatcher build() {
      return new TreeWatcher(this);
    }
  }

  /**
   * Watches {@code path}: a file, or a directory (with everything below it when recursive). A failure
   * on {@code path} itself throws; failures below it go to the {@link WatchErrorHandler}.
   */
  @Override
  public void watch(byte[] path) {
    Libc.Stat st = Libc.stat(path, "watch");
    if (st.isDir() && options.recursive() && quietListing) {
      new ListingFirstScan(inotify, table, kernelMask, options.excludeDir(), options.onError(), progress).scan(path);
      return;
    }
    int wd = inotify.addWatch(path, kernelMask);
    boolean dir = st.isDir();
    // inotify-tools ends %w with '/' after lstat: a symlink to a directory, watched without -r, has none
    boolean slash = dir && (options.recursive() || Libc.lstat(path).isDir());
    byte[] watchPath = slash ? Bytes.withSlash(path) : path;
    Node existing = table.get(wd);
    if (existing != null) return;
    Node root = new Node(wd, dir, watchPath, path, null);
    table.put(root);
    if (dir && options.recursive()) watchBelow(root, false);
  }

  private static final byte[] SLASH = {'/'};

  /** Watches every directory below {@code top}, depth first without recursion (trees can be deep). */
  private void watchBelow(Node top, boolean synthetic) {
    watchBelow(top, synthetic, kernelMask, null);
  }

  /** Like {@link #watchBelow(Node, boolean)}, watching with {@code mask} and collecting the new nodes. */
  private void watchBelow(Node top, boolean synthetic, int mask, List<Node> added) {
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.push(top);
    while (!todo.isEmpty()) {
      Node dir = todo.pop();
      List<byte[]> subdirs = new ArrayList<>();
      try {
        Libc.listDir(dir.path, !synthetic, (name, type) -> {
          boolean isDir = Libc.isDir(type, Bytes.concat(dir.path, name));
          if (isDir) subdirs.add(name);
          if (synthetic) emit(new WatchEvent(dir.wd, IN_CREATE | (isDir ? IN_ISDIR : 0), 0, dir.path, name, true));
        });
        progress.listed(dir.path);
      } catch (NativeException e) {
        if (Errno.gone(e.errno())) unresolved.remember(new UnresolvedDirs.Dir(dir, null)); // its path may be stale: listed again after the rename
        else options.onError().onWatchError(Bytes.trimSlash(dir.path), e);
        continue;
      }
      for (byte[] name : subdirs) {
        Node child = addDir(dir, name, mask);
        if (child != null) {
          todo.push(child);
          if (added != null) added.add(child);
        }
      }
    }
  }

  /** Watches directory {@code name} in {@code parent}; null when excluded, vanished or refused. */
  private Node addDir(Node parent, byte[] name, int mask) {
    byte[] path = Bytes.concat(parent.path, name, SLASH);
    byte[] bare = Bytes.trimSlash(path);
    if (options.excludeDir().test(bare)) return null;
    int wd = inotify.addWatchRaw(path, mask | IN_DONT_FOLLOW | IN_ONLYDIR);
    if (wd < 0) {
      int errno = -wd;
      if (Errno.gone(errno)) {
        unresolved.remember(new UnresolvedDirs.Dir(parent, name)); // gone, or its path is stale: see the class comment
        return null;
      }
      options.onError().onWatchError(bare, new NativeException("inotify_add_watch", errno, bare));
      return null;
    }
    Node existing = table.get(wd);
    if (existing != null) {
      // Already watched under another name: a directory of the tree moved here (e.g. into a new
      // directory before its watch existed, so no MOVED_TO pairs it). Move the entry here and hand
      // it back, so the caller lists it like any new directory: its contents are reported under the
      // new name, and its subdirectories found (and relocated) in turn. Found here, it did not leave
      // the tree: its unpaired MOVED_FROM in this read (e.g. moved on out of the new directory) must not unwatch it.
      for (Node up = parent; up != null; up = up.parent) if (up == existing) return null; // a bind mount of an ancestor: no loop
      if (existing.parent != parent || !Arrays.equals(existing.name, name)) {
        existing.moveTo(parent, name);
        movedFrom.values().remove(existing);
        retryUnresolvedBelow(existing);
      }
      return existing;
    }
    return table.putDir(parent, wd, path, name);
  }

  /**
   * Another tree shows at {@code dir} (a mount or an unmount there): the watches of the one that
   * showed there go (hidden now, or of a filesystem gone), and the one there now is watched as a
   * directory that appeared, without reporting what it holds (its caller sends it whole).
   */
  @Override
  public String watchMountPoint(byte[] dir) {
    byte[] bare = Bytes.trimSlash(dir);
    int cut = bare.length - 1;
    while (cut > 0 && bare[cut] != '/') cut--;
    Node parent = options.recursive() && cut >= 0 ? table.dirAt(Arrays.copyOf(bare, cut + 1)) : null;
    if (parent == null || options.excludeDir().test(bare)) return null; // not watched there: said when it was not
    byte[] name = Arrays.copyOfRange(bare, cut + 1, bare.length), path = Bytes.concat(bare, SLASH);
    Node old = parent.child(name);
    if (old != null) table.unwatchTree(old);
    unresolved.forget(parent, name);
    int wd = inotify.addWatchRaw(path, kernelMask | IN_DONT_FOLLOW | IN_ONLYDIR);
    if (wd < 0) {
      if (!Errno.gone(-wd)) options.onError().onWatchError(bare, new NativeException("inotify_add_watch", -wd, bare));
      return null;
    }
    Node other = table.get(wd);
    if (other != null) return "it shows " + Bytes.display(Bytes.trimSlash(other.path)) + ", watched there: inotify names its changes by that path only";
    watchBelow(table.putDir(parent, wd, path, name), false);
    return null;
  }

  /**
   * Waits up to {@code timeoutMillis} (negative: forever) and delivers what the kernel has (up to one buffer), in kernel
   * order, plus synthetic events for new directories. Returns false when nothing arrived (timeout or
   * {@link #wakeup()}).
   */
  @Override
  public boolean poll(long timeoutMillis, Consumer<WatchEvent> sink) {
    this.sink = sink;
    try {
      int n = inotify.read(timeoutMillis, this::onRaw);
      unwatchMovedOut();
      return n > 0;
    } finally {
      this.sink = null;
    }
  }

  @Override
  public KernelQueue queue() {
    return inotify.queue();
  }

  private void emit(WatchEvent e) {
    if (sink != null) sink.accept(e);
  }

  private void onRaw(int wd, int mask, int cookie, byte[] name) {
    if ((mask & IN_Q_OVERFLOW) != 0) {
      emit(new WatchEvent(-1, mask, cookie, Bytes.EMPTY, Bytes.EMPTY, false));
      return;
    }
    Node node = table.get(wd);
    if (node == null) return; // a watch already dropped: stale events
    emit(new WatchEvent(wd, mask, cookie, node.path, name, false));
    if ((mask & IN_IGNORED) != 0) {
      table.remove(node);
      return;
    }
    if (!unresolved.isEmpty() && (mask & (IN_DELETE | IN_MOVED_FROM)) != 0 && (mask & IN_ISDIR) != 0) unresolved.forget(node, name);
    if (!options.recursive() || (mask & IN_ISDIR) == 0 || !node.dir) return;
    if ((mask & IN_CREATE) != 0) {
      newDir(node, name);
    } else if ((mask & IN_MOVED_FROM) != 0) {
      Node child = node.child(name);
      if (child != null) movedFrom.put(cookie, child);
    } else if ((mask & IN_MOVED_TO) != 0) {
      Node moved = movedFrom.remove(cookie);
      if (moved != null) {
        renamed(moved, node, name);
      } else {
        newDir(node, name);
      }
    }
  }

  /**
   * A directory appeared: watch it, then list it and watch what it holds. With quiet listings the new
   * watches leave out the listing events until the subtree is listed, then get the full mask.
   */
  private void newDir(Node parent, byte[] name) {
    Node child = addDir(parent, name, quietListing ? kernelMask & ~LISTING : kernelMask);
    if (child != null) listNew(child);
  }

  /** Lists a directory just watched (see {@link #newDir}) and watches what it holds. */
  private void listNew(Node child) {
    if (!quietListing) {
      watchBelow(child, options.reportNewDirContents());
      return;
    }
    int quiet = kernelMask & ~LISTING;
    List<Node> added = new ArrayList<>();
    added.add(child);
    watchBelow(child, options.reportNewDirContents(), quiet, added);
    for (Node n : added) {
      if (!table.holds(n)) continue;
      int wd = inotify.addWatchRaw(n.path, kernelMask | IN_DONT_FOLLOW | IN_ONLYDIR);
      // Renamed meanwhile and something else made under the old name: its own event will watch it.
      if (wd >= 0 && wd != n.wd && table.get(wd) == null) inotify.rmWatch(wd);
    }
  }

  /**
   * The paths below {@code top} were just rewritten (a rename read): what could not be watched or
   * listed there under the old paths is tried again under the new ones, and what it holds reported.
   */
  private void retryUnresolvedBelow(Node top) {
    if (unresolved.isEmpty()) return;
    for (UnresolvedDirs.Dir u : unresolved.takeAtOrBelow(top, table)) {
      if (u.name() == null) listNew(u.parent());
      else newDir(u.parent(), u.name());
    }
  }

  private void renamed(Node moved, Node newParent, byte[] newName) {
    Node oldParent = moved.parent;
    byte[] oldName = moved.name;
    moved.moveTo(newParent, newName);
    if (options.excludeDir().test(Bytes.trimSlash(moved.path))) {
      table.unwatchTree(moved);
      return;
    }
    verifyRenamed(moved, oldParent, oldName);
    retryUnresolvedBelow(moved);
  }

  /**
   * A directory's watch is taken by name when its CREATE is read: if another directory had taken that
   * name meanwhile ({@code mkdir n; mv n n2; mkdir n}, all before the CREATE is read), the watch, and so
   * the node a rename moves, is the other one's, and the directory renamed is not watched at all. One
   * inotify_add_watch on the new name tells: it gives the watch of the directory there now. When that
   * one has no watch, it is watched and listed as a new directory; and if the node's own watch is still
   * at the old name, the rename was not its own: it goes back there. Else it keeps the new name for
   * the events still queued that name it, ahead of the new one among its parent's children (renamed on
   * and another made under that name: those events move it on). A directory there watched under another
   * node is left to the events still queued that put it there (names exchanged twice: moved now, that
   * node would take the events meant for this one).
   */
  private void verifyRenamed(Node moved, Node oldParent, byte[] oldName) {
    if ((kernelMask & IN_ONESHOT) != 0) return; // adding a watch again would arm it again
    int wd = inotify.addWatchRaw(moved.path, kernelMask | IN_DONT_FOLLOW | IN_ONLYDIR);
    if (wd < 0 ? -wd != Errno.ENOSPC : wd == moved.wd || table.get(wd) != null) return; // ENOSPC: said as for any new directory
    Node parent = moved.parent;
    byte[] name = moved.name;
    if (oldParent != null && table.holds(oldParent)) {
      int old = inotify.addWatchRaw(Bytes.concat(oldParent.path, oldName, SLASH), kernelMask | IN_DONT_FOLLOW | IN_ONLYDIR);
      if (old == moved.wd) moved.moveTo(oldParent, oldName);
      else if (old >= 0 && table.get(old) == null) inotify.rmWatch(old); // its own event watches it
    }
    newDir(parent, name);
    if (wd >= 0 && table.get(wd) == null) inotify.rmWatch(wd); // the name changed again between the calls
  }

  /** MOVED_FROM with no MOVED_TO in the same read: the directory left the tree. */
  private void unwatchMovedOut() {
    if (movedFrom.isEmpty()) return;
    for (Node n : movedFrom.values()) table.unwatchTree(n);
    movedFrom.clear();
  }

  /** The number of watches held. */
  @Override
  public int watchCount() {
    return table.watchCount();
  }

  /** Visits the watches whose descriptor is {@code >= fromWd}, in descriptor order (the order made). */
  public void forEachWatch(int fromWd, WatchVisitor visitor) {
    table.forEachWatch(fromWd, visitor);
  }

  /** The %w path of watch {@code wd}, or null. */
  public byte[] pathOf(int wd) {
    Node n = table.get(wd);
    return n == null ? null : n.path;
  }

  /** Makes a blocked {@link #poll} return; safe from any thread. */
  @Override
  public void wakeup() {
    inotify.wakeup();
  }

  @Override
  public String kind() {
    return "inotify";
  }

  @Override
  public void close() {
    inotify.close();
  }
}
