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
import static dev.livesync.fs.InotifyMask.IN_ONLYDIR;
import static dev.livesync.fs.InotifyMask.IN_OPEN;
import static dev.livesync.fs.InotifyMask.IN_Q_OVERFLOW;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Watches files and directory trees with one inotify instance and keeps the wd → path table right
 * as directories appear, are renamed inside the tree, moved in or out, and deleted.
 *
 * <p>Events are delivered in kernel order. After delivering an event the watcher does its own
 * bookkeeping for it: a new directory is watched at once (watch first, then list, so nothing created
 * inside it is missed) and, with {@code reportNewDirContents}, what the listing finds is delivered as
 * synthetic CREATE events; a directory renamed inside the tree has its subtree's paths rewritten; a
 * directory moved out of the tree (a MOVED_FROM left unpaired at the end of a read) is unwatched.
 *
 * <p>The watcher works by path, and its paths trail the tree by the events not yet read: a directory
 * made just before one of its ancestors was renamed cannot be watched under the name its CREATE
 * gives (ENOENT), nor listed. Such a directory is {@linkplain #unresolved remembered} and watched and
 * listed again once the rename is read and the paths rewritten (else nothing made in it would ever
 * be seen); it is forgotten when its parent's watch goes, when its name is deleted or moved away, or
 * when too many wait.
 *
 * <p>Listing a directory queues OPEN, ACCESS and CLOSE_NOWRITE on it and on its parent. When the mask
 * asks for those ({@code inotifywait -r -e all}), the watcher keeps its own listings out of the queue,
 * as inotifywait 4.25.9's output has none of them and 100,000 directories × 6 events would overflow
 * it: the initial scan lists each directory before watching it, children before parents (the order
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

  /** Receives one watch: its descriptor and its %w path (a directory's ends in '/'). */
  @FunctionalInterface
  public interface WatchVisitor {
    void watch(int wd, byte[] path);
  }

  /** Decides what happens when a directory below a watched root cannot be watched. */
  @FunctionalInterface
  public interface WatchErrorHandler {
    /** Called for a directory that could not be watched; throw to abort, return to skip it. */
    void onWatchError(byte[] dir, NativeException error);
  }

  private final Inotify inotify;
  private final int kernelMask;
  private final boolean recursive;
  private final boolean reportNewDirContents;
  private final Predicate<byte[]> excludeDir;
  private final WatchErrorHandler onError;
  /** True when listings must stay out of the event queue (see the class comment). */
  private final boolean quietListing;
  private final WatchProgress progress;

  private Node[] byWd = new Node[1024];
  private int watchCount;
  private int highestWd = -1;
  private final Map<Integer, Node> movedFrom = new HashMap<>();
  /**
   * Directories that could not be watched or listed because a path was stale (ENOENT, ENOTDIR): a
   * rename of an ancestor not yet read. {@code name == null}: {@code parent} itself is watched but
   * was not listed.
   */
  private final ArrayDeque<Unresolved> unresolved = new ArrayDeque<>();
  /** Bound on {@link #unresolved} (each deleted-before-watched directory stays until its parent goes when DELETE is not in the mask). */
  static final int MAX_UNRESOLVED = 4096;
  private Consumer<WatchEvent> sink;

  private record Unresolved(Node parent, byte[] name) {}

  /** A watched file or directory. {@code path} is the %w form: a directory's ends in '/'. */
  private static final class Node {
    final int wd;
    final boolean dir;
    byte[] path;
    byte[] name;
    Node parent;
    List<Node> children;

    Node(int wd, boolean dir, byte[] path, byte[] name, Node parent) {
      this.wd = wd;
      this.dir = dir;
      this.path = path;
      this.name = name;
      this.parent = parent;
    }

    Node child(byte[] childName) {
      if (children == null) return null;
      for (Node c : children) {
        if (Arrays.equals(c.name, childName)) return c;
      }
      return null;
    }

    void attach(Node c) {
      if (children == null) children = new ArrayList<>(4);
      children.add(c);
      c.parent = this;
    }

    void detach() {
      if (parent != null && parent.children != null) parent.children.remove(this);
      parent = null;
    }
  }

  private TreeWatcher(Builder b) {
    this.recursive = b.recursive;
    this.reportNewDirContents = b.reportNewDirContents;
    this.excludeDir = b.excludeDir;
    this.onError = b.onError;
    this.kernelMask = b.mask | (b.recursive ? TRACKING : 0);
    this.quietListing = b.recursive && (b.mask & LISTING) != 0;
    this.progress = b.progress;
    this.inotify = Inotify.open();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link TreeWatcher}. */
  public static final class Builder {
    private int mask = InotifyMask.IN_ALL_EVENTS;
    private boolean recursive;
    private boolean reportNewDirContents;
    private Predicate<byte[]> excludeDir = p -> false;
    private WatchErrorHandler onError = (dir, e) -> {
      throw e;
    };
    private WatchProgress progress = new WatchProgress();

    /** The events wanted (IN_* bits); when recursive, tracking events are added to the kernel mask. */
    public Builder mask(int mask) {
      this.mask = mask;
      return this;
    }

    public Builder recursive(boolean recursive) {
      this.recursive = recursive;
      return this;
    }

    /** Deliver synthetic CREATE events for what a newly appeared directory already holds. */
    public Builder reportNewDirContents(boolean report) {
      this.reportNewDirContents = report;
      return this;
    }

    /** Directories (path without trailing slash) for which this is true are not watched, nor below. */
    public Builder excludeDir(Predicate<byte[]> exclude) {
      this.excludeDir = exclude;
      return this;
    }

    public Builder onWatchError(WatchErrorHandler handler) {
      this.onError = handler;
      return this;
    }

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
    Libc.Stat st = Libc.statOrNull(path);
    if (st == null) throw new NativeException("watch", Errno.ENOENT, path);
    if (st.isDir() && recursive && quietListing) {
      watchTreeListingFirst(path);
      return;
    }
    int wd = inotify.addWatch(path, kernelMask);
    boolean dir = st.isDir();
    byte[] watchPath = dir && (path.length == 0 || path[path.length - 1] != '/') ? Bytes.concat(path, SLASH) : path;
    Node existing = get(wd);
    if (existing != null) return;
    Node root = new Node(wd, dir, watchPath, path, null);
    put(root);
    if (dir && recursive) watchBelow(root, false);
  }

  private static final byte[] SLASH = {'/'};

  /** A directory of the initial scan, listed but not yet watched. */
  private static final class Pending {
    final byte[] path;
    final byte[] name;
    final List<byte[]> subdirs;
    int next;
    List<Node> watched;

    Pending(byte[] path, byte[] name, List<byte[]> subdirs) {
      this.path = path;
      this.name = name;
      this.subdirs = subdirs;
    }
  }

  /**
   * The initial scan of a tree when listings must stay out of the queue: each directory is listed
   * before it is watched and watched after its subdirectories (post-order, siblings in directory order,
   * as inotify-tools does), so no watch exists on a directory or its parent while it is listed.
   */
  private void watchTreeListingFirst(byte[] given) {
    byte[] rootPath = given.length > 0 && given[given.length - 1] == '/' ? given : Bytes.concat(given, SLASH);
    Pending root;
    try {
      root = new Pending(rootPath, given, subdirsOf(rootPath));
    } catch (NativeException e) {
      throw new NativeException(e.op(), e.errno(), given);
    }
    progress.listed();
    boolean moved = false;
    ArrayDeque<Pending> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      Pending f = stack.peek();
      if (f.next < f.subdirs.size()) {
        byte[] name = f.subdirs.get(f.next++);
        byte[] path = Bytes.concat(f.path, name, SLASH);
        byte[] bare = trimSlash(path);
        if (excludeDir.test(bare)) continue;
        try {
          stack.push(new Pending(path, name, subdirsOf(path)));
          progress.listed();
        } catch (NativeException e) {
          if (!gone(e)) onError.onWatchError(bare, e);
        }
        continue;
      }
      stack.pop();
      Node node;
      if (f == root) {
        int wd;
        try {
          wd = inotify.addWatch(given, kernelMask);
        } catch (NativeException e) {
          unwatchAll(f.watched);
          throw e;
        }
        node = get(wd);
        if (node == null) put(node = new Node(wd, true, rootPath, given, null));
      } else {
        int wd = inotify.addWatchRaw(f.path, kernelMask | IN_DONT_FOLLOW | IN_ONLYDIR);
        if (wd < 0) {
          unwatchAll(f.watched);
          byte[] bare = trimSlash(f.path);
          if (-wd != Errno.ENOENT && -wd != Errno.ENOTDIR) {
            onError.onWatchError(bare, new NativeException("inotify_add_watch", -wd, bare));
          }
          continue;
        }
        node = get(wd);
        if (node != null) { // already watched under another name: move the entry here
          node.detach();
          node.path = f.path;
          node.name = f.name;
          moved = true;
        } else {
          put(node = new Node(wd, true, f.path, f.name, null));
        }
        Pending parent = stack.peek();
        if (parent.watched == null) parent.watched = new ArrayList<>();
        parent.watched.add(node);
      }
      if (f.watched != null) {
        for (Node child : f.watched) {
          child.detach();
          node.attach(child);
        }
      }
      if (f == root && moved && node.children != null) node.children.forEach(this::rewritePaths);
    }
  }

  private void unwatchAll(List<Node> nodes) {
    if (nodes != null) nodes.forEach(this::unwatchTree);
  }

  /** Names of the directories in {@code dir} (lstat where getdents does not say). */
  private static List<byte[]> subdirsOf(byte[] dir) {
    List<byte[]> subdirs = new ArrayList<>();
    Libc.listDir(dir, true, (name, type) -> {
      if (type == Libc.DT_DIR || (type == Libc.DT_UNKNOWN && isDirectory(Bytes.concat(dir, name)))) subdirs.add(name);
    });
    return subdirs;
  }

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
          boolean isDir = type == Libc.DT_DIR || (type == Libc.DT_UNKNOWN && isDirectory(Bytes.concat(dir.path, name)));
          if (isDir) subdirs.add(name);
          if (synthetic) emit(new WatchEvent(dir.wd, IN_CREATE | (isDir ? IN_ISDIR : 0), 0, dir.path, name, true));
        });
        progress.listed();
      } catch (NativeException e) {
        if (gone(e)) remember(new Unresolved(dir, null)); // its path may be stale: listed again after the rename
        else onError.onWatchError(trimSlash(dir.path), e);
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
    byte[] bare = trimSlash(path);
    if (excludeDir.test(bare)) return null;
    int wd = inotify.addWatchRaw(path, mask | IN_DONT_FOLLOW | IN_ONLYDIR);
    if (wd < 0) {
      int errno = -wd;
      if (errno == Errno.ENOENT || errno == Errno.ENOTDIR) {
        remember(new Unresolved(parent, name)); // gone, or its path is stale: see the class comment
        return null;
      }
      onError.onWatchError(bare, new NativeException("inotify_add_watch", errno, bare));
      return null;
    }
    Node existing = get(wd);
    if (existing != null) {
      // Already watched under another name: a directory of the tree moved here (e.g. into a new
      // directory before its watch existed, so no MOVED_TO pairs it). Move the entry here and hand
      // it back, so the caller lists it like any new directory: its contents are reported under the
      // new name, and its subdirectories found (and relocated) in turn.
      for (Node up = parent; up != null; up = up.parent) if (up == existing) return null; // a bind mount of an ancestor: no loop
      if (existing.parent != parent || !java.util.Arrays.equals(existing.name, name)) {
        existing.detach();
        existing.name = name;
        parent.attach(existing);
        rewritePaths(existing);
        retryUnresolvedBelow(existing);
      }
      return existing;
    }
    Node node = new Node(wd, true, path, name, null);
    parent.attach(node);
    put(node);
    return node;
  }

  private static boolean isDirectory(byte[] path) {
    Libc.Stat st = Libc.lstatOrNull(path);
    return st != null && st.isDir();
  }

  private static boolean gone(NativeException e) {
    return e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR;
  }

  private static byte[] trimSlash(byte[] path) {
    return path.length > 1 && path[path.length - 1] == '/' ? Arrays.copyOf(path, path.length - 1) : path;
  }

  /**
   * Waits up to {@code timeoutMillis} (negative: forever) and delivers what one read returns, in kernel
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

  private void emit(WatchEvent e) {
    if (sink != null) sink.accept(e);
  }

  private void onRaw(int wd, int mask, int cookie, byte[] name) {
    if ((mask & IN_Q_OVERFLOW) != 0) {
      emit(new WatchEvent(-1, mask, cookie, Bytes.EMPTY, Bytes.EMPTY, false));
      return;
    }
    Node node = get(wd);
    if (node == null) return; // a watch already dropped: stale events
    emit(new WatchEvent(wd, mask, cookie, node.path, name, false));
    if ((mask & IN_IGNORED) != 0) {
      remove(node);
      return;
    }
    if (!unresolved.isEmpty() && (mask & (IN_DELETE | IN_MOVED_FROM)) != 0 && (mask & IN_ISDIR) != 0) forgetUnresolved(node, name);
    if (!recursive || (mask & IN_ISDIR) == 0 || !node.dir) return;
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
      watchBelow(child, reportNewDirContents);
      return;
    }
    int quiet = kernelMask & ~LISTING;
    List<Node> added = new ArrayList<>();
    added.add(child);
    watchBelow(child, reportNewDirContents, quiet, added);
    for (Node n : added) {
      if (get(n.wd) != n) continue;
      int wd = inotify.addWatchRaw(n.path, kernelMask | IN_DONT_FOLLOW | IN_ONLYDIR);
      // Renamed meanwhile and something else made under the old name: its own event will watch it.
      if (wd >= 0 && wd != n.wd && get(wd) == null) inotify.rmWatch(wd);
    }
  }

  private void remember(Unresolved u) {
    if (unresolved.size() >= MAX_UNRESOLVED) unresolved.pollFirst();
    unresolved.addLast(u);
  }

  /** {@code name} in {@code parent} was deleted or moved away: no longer waited for. */
  private void forgetUnresolved(Node parent, byte[] name) {
    unresolved.removeIf(u -> u.parent == parent && u.name != null && Arrays.equals(u.name, name));
  }

  /**
   * The paths below {@code top} were just rewritten (a rename read): what could not be watched or
   * listed there under the old paths is tried again under the new ones, and what it holds reported.
   */
  private void retryUnresolvedBelow(Node top) {
    if (unresolved.isEmpty()) return;
    List<Unresolved> again = new ArrayList<>();
    for (var it = unresolved.iterator(); it.hasNext(); ) {
      Unresolved u = it.next();
      if (get(u.parent.wd) != u.parent) {
        it.remove(); // its parent is no longer watched: whatever rewatches that covers it
      } else if (isAtOrBelow(u.parent, top)) {
        it.remove();
        again.add(u);
      }
    }
    for (Unresolved u : again) {
      if (u.name == null) listNew(u.parent);
      else newDir(u.parent, u.name);
    }
  }

  private static boolean isAtOrBelow(Node n, Node top) {
    for (Node up = n; up != null; up = up.parent) if (up == top) return true;
    return false;
  }

  private void renamed(Node moved, Node newParent, byte[] newName) {
    moved.detach();
    moved.name = newName;
    newParent.attach(moved);
    rewritePaths(moved);
    if (excludeDir.test(trimSlash(moved.path))) unwatchTree(moved);
    else retryUnresolvedBelow(moved);
  }

  private void rewritePaths(Node top) {
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.push(top);
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      n.path = Bytes.concat(n.parent.path, n.name, SLASH);
      if (n.children != null) n.children.forEach(todo::push);
    }
  }

  /** MOVED_FROM with no MOVED_TO in the same read: the directory left the tree. */
  private void unwatchMovedOut() {
    if (movedFrom.isEmpty()) return;
    for (Node n : movedFrom.values()) unwatchTree(n);
    movedFrom.clear();
  }

  private void unwatchTree(Node top) {
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.push(top);
    top.detach();
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (n.children != null) n.children.forEach(todo::push);
      inotify.rmWatch(n.wd);
      forget(n);
    }
  }

  private void remove(Node node) {
    node.detach();
    forget(node);
  }

  private Node get(int wd) {
    return wd >= 0 && wd < byWd.length ? byWd[wd] : null;
  }

  private void put(Node n) {
    if (n.wd >= byWd.length) byWd = Arrays.copyOf(byWd, Math.max(n.wd + 1, byWd.length * 2));
    byWd[n.wd] = n;
    watchCount++;
    progress.watched();
    highestWd = Math.max(highestWd, n.wd);
  }

  private void forget(Node n) {
    if (get(n.wd) == n) {
      byWd[n.wd] = null;
      watchCount--;
    }
  }

  /** The number of watches held. */
  @Override
  public int watchCount() {
    return watchCount;
  }

  /** Visits the watches whose descriptor is {@code >= fromWd}, in descriptor order (the order made). */
  public void forEachWatch(int fromWd, WatchVisitor visitor) {
    for (int wd = Math.max(fromWd, 0); wd <= highestWd; wd++) {
      Node n = byWd[wd];
      if (n != null) visitor.watch(wd, n.path);
    }
  }

  /** The %w path of watch {@code wd}, or null. */
  public byte[] pathOf(int wd) {
    Node n = get(wd);
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
