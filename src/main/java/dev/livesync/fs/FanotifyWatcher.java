package dev.livesync.fs;

import static dev.livesync.fs.InotifyMask.IN_ACCESS;
import static dev.livesync.fs.InotifyMask.IN_ATTRIB;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_NOWRITE;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_WRITE;
import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_DELETE;
import static dev.livesync.fs.InotifyMask.IN_DELETE_SELF;
import static dev.livesync.fs.InotifyMask.IN_ISDIR;
import static dev.livesync.fs.InotifyMask.IN_MODIFY;
import static dev.livesync.fs.InotifyMask.IN_MOVED_FROM;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;
import static dev.livesync.fs.InotifyMask.IN_MOVE_SELF;
import static dev.livesync.fs.InotifyMask.IN_OPEN;
import static dev.livesync.fs.InotifyMask.IN_Q_OVERFLOW;

import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Watches a directory tree with fanotify and delivers the same {@link WatchEvent} stream as
 * {@link TreeWatcher}: one {@code FAN_MARK_FILESYSTEM} mark for the whole filesystem (no watch per
 * directory, nothing to set up per new directory, no race with a new directory's watch), or, where
 * only those are allowed, an inode mark per directory ({@link Marks#INODE}).
 *
 * <p>The kernel reports each event as a directory file handle plus a name; the handle is turned into a
 * path with open_by_handle_at through a descriptor of the watched directory and readlink, and cached
 * ({@link HandlePaths}); a directory renamed or deleted drops its entries. Paths are given under the
 * watched path as it was given (a symlinked or relative root stays so), also while the root or an
 * ancestor of it is renamed elsewhere, as inotify names a watched directory: each directory rename
 * reads the roots' paths again through their descriptors. With {@code filterToRoot} events outside
 * the watched tree (the rest of the filesystem) are dropped here, in user space.
 *
 * <p>A rename is one {@code FAN_RENAME} event (Linux 5.17) carrying both names: it is delivered as
 * MOVED_FROM and MOVED_TO with one cookie, or only the half inside the tree (moved in or out). Before
 * 5.17 the kernel's separate MOVED_FROM/MOVED_TO are paired when they follow each other. The kernel
 * merges events on one name (a CREATE then a DELETE of {@code f} may come as one event with both bits);
 * those are split, in the order the file's presence now says (there: DELETE first). An overflow
 * ({@code FAN_Q_OVERFLOW}) is delivered as inotify's (wd -1, {@link InotifyMask#IN_Q_OVERFLOW}).
 */
public final class FanotifyWatcher implements Watcher {
  /** How the tree is marked. */
  public enum Marks {
    /** One mark for the filesystem holding the tree (CAP_SYS_ADMIN). */
    FILESYSTEM,
    /** One inode mark per directory, like inotify's watches (what an unprivileged user may do, Linux 5.13). */
    INODE,
    /**
     * A filesystem mark filtered to the trees where the kernel allows one, else inode marks
     * (fsnotifywait -F: the same events either way, but flat in the tree's size with the mark).
     */
    FILESYSTEM_OR_INODE
  }

  static final int WD = 1;
  private static final int CHANGE_BITS = IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN;
  private static final byte[] SLASH = {'/'};
  private static final byte[] DOT = {'.'};

  private final WatcherBuilder.Options options;
  private final boolean filterToRoot;
  private final boolean selfEvents;
  private final FanotifyMarks marks;
  private final Fanotify fan;
  private final FanotifyRoots roots;
  private int cookies;
  /** Before FAN_RENAME: the cookie of a MOVED_FROM just delivered, for the MOVED_TO that follows it. */
  private int pendingMoveCookie;
  private Consumer<WatchEvent> sink;
  /** Directories (given form) known to be at or below an excluded one, or not; cleared when directories move. */
  private final java.util.HashMap<Fanotify.Handle, Boolean> excludedDirs = new java.util.HashMap<>();
  /**
   * fsnotifywait: directories just renamed (their own handle, FAN_REPORT_TARGET_FID) → their path as
   * shown before the rename (with a slash), or empty when it was outside the trees: their MOVE_SELF,
   * which follows, is told as inotify tells it — of a directory that was in the tree, not of one moved in.
   */
  private final java.util.LinkedHashMap<Fanotify.Handle, byte[]> movedDirs = new java.util.LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<Fanotify.Handle, byte[]> eldest) {
      return size() > 64;
    }
  };

  private FanotifyWatcher(Builder b) {
    this.options = b.options();
    this.filterToRoot = b.filterToRoot;
    this.selfEvents = b.selfEvents;
    this.fan = Fanotify.open();
    if (b.readAhead > 0) fan.readAhead(b.readAhead);
    this.marks = new FanotifyMarks(fan, b.marks, options, b.selfEvents);
    this.roots = new FanotifyRoots(b.recursive, b.realPaths);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link FanotifyWatcher}; the same meaning as {@link TreeWatcher.Builder}'s. */
  public static final class Builder extends WatcherBuilder<Builder> {
    private boolean filterToRoot = true;
    private boolean selfEvents;
    private boolean realPaths;
    private Marks marks = Marks.FILESYSTEM;

    /** False: deliver everything the filesystem mark sees (fsnotifywait --filesystem). */
    public Builder filterToRoot(boolean filter) {
      this.filterToRoot = filter;
      return this;
    }

    /**
     * True (fsnotifywait): an event on a directory itself (attributes, DELETE_SELF, MOVE_SELF) is
     * about that directory with no name, as inotify reports it on a watched directory. False (the
     * engine): it is named in its parent, and the root's own deletion or move is made from its
     * parent's events.
     */
    public Builder selfEvents(boolean self) {
      this.selfEvents = self;
      return this;
    }

    /** True (fsnotifywait): paths as the kernel names them (absolute, symlinks resolved), not under the root as given. */
    public Builder realPaths(boolean real) {
      this.realPaths = real;
      return this;
    }

    public Builder marks(Marks marks) {
      this.marks = marks;
      return this;
    }

    public FanotifyWatcher build() {
      return new FanotifyWatcher(this);
    }
  }

  /**
   * Marks the filesystem holding {@code path} (a directory), or {@code path} and, when recursive,
   * every directory below it. Throws a {@link NativeException} when the kernel refuses the mark
   * (EXDEV: a btrfs subvolume; ENODEV, EOPNOTSUPP: no file handles; EPERM: not permitted).
   */
  @Override
  public void watch(byte[] path) {
    Libc.Stat st = Libc.stat(path, "watch");
    if (!st.isDir()) throw new NativeException("fanotify_mark", Errno.ENOTDIR, path);
    marks.watch(path, roots);
  }

  @Override
  public boolean poll(long timeoutMillis, Consumer<WatchEvent> sink) {
    if (roots.isEmpty()) throw new IllegalStateException("nothing watched");
    this.sink = sink;
    try {
      return fan.read(timeoutMillis, this::onEvent) > 0;
    } finally {
      this.sink = null;
    }
  }

  @Override
  public KernelQueue queue() {
    return fan.queue();
  }

  private void emit(WatchEvent e) {
    if (sink != null) sink.accept(e);
  }

  private void onEvent(Fanotify.Event e) {
    long m = e.mask();
    if ((m & Fanotify.FAN_Q_OVERFLOW) != 0) {
      emit(new WatchEvent(-1, IN_Q_OVERFLOW, 0, Bytes.EMPTY, Bytes.EMPTY, false));
      return;
    }
    int isDir = (m & Fanotify.FAN_ONDIR) != 0 ? IN_ISDIR : 0;
    if ((m & Fanotify.FAN_RENAME) != 0) {
      renamed(e, isDir);
      return;
    }
    if (e.dir() == null) return;
    byte[] dir = roots.path(e.dir());
    if (dir == null) return; // its directory is gone: the event that says so comes (or came) from further up
    byte[] name = e.name();
    if (Arrays.equals(name, DOT)) { // an event on a directory itself
      if (selfEvents) {
        int bits = (int) (m & 0xfff);
        byte[] was = (bits & IN_MOVE_SELF) != 0 ? movedDirs.remove(e.dir()) : null;
        if (was != null) { // the rename was read: said where the directory was, or not at all if it came from outside
          bits &= ~IN_MOVE_SELF;
          if (was.length > 0) movedSelf(was, dir, isDir);
        }
        if (bits != 0) selfEvent(bits, isDir, dir);
        return;
      }
      int cut = lastSlash(dir); // named in its parent
      if (cut < 0) return;
      name = Arrays.copyOfRange(dir, cut + 1, dir.length);
      dir = cut == 0 ? SLASH : Arrays.copyOf(dir, cut);
      if (name.length == 0) return; // the filesystem's root
    }
    byte[] dirSlash = Bytes.withSlash(dir);
    byte[] full = Bytes.concat(dirSlash, name);
    if (isDir != 0 && (m & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)) != 0) {
      excludedDirs.clear();
      roots.invalidate(full);
      if (e.target() != null) roots.invalidate(e.target());
    }
    int cookie = 0;
    if ((m & IN_MOVED_FROM) != 0) cookie = pendingMoveCookie = ++cookies;
    else if ((m & IN_MOVED_TO) != 0) cookie = pendingMoveCookie != 0 ? pendingMoveCookie : ++cookies;
    if ((m & IN_MOVED_FROM) == 0) pendingMoveCookie = 0;
    deliver((int) (m & 0xfff), isDir, dirSlash, name, full, cookie);
    if (isDir != 0 && (m & (IN_MOVED_FROM | IN_MOVED_TO)) != 0) roots.refresh(); // after: a root's own move is told by its old path
  }

  /** fsnotifywait: an event on directory {@code dir} (real, no slash) itself, shown as inotify shows one on a watched directory. */
  private void selfEvent(int bits, int isDir, byte[] dir) {
    byte[] d = Bytes.withSlash(dir);
    FanotifyRoots.Root root = roots.rootOf(d);
    if (root == null && filterToRoot) return;
    int wanted = bits & options.mask();
    if (wanted != 0) emit(new WatchEvent(WD, wanted | isDir, 0, root == null ? d : FanotifyRoots.shown(root, d), Bytes.EMPTY, false));
  }

  /**
   * fsnotifywait: MOVE_SELF of a directory that was in the tree before its rename ({@code was}, as
   * shown then): at its new path (real, no slash) if that is in the tree too, else where it was, as
   * inotify names a watched directory moved away.
   */
  private void movedSelf(byte[] was, byte[] dir, int isDir) {
    if ((options.mask() & IN_MOVE_SELF) == 0) return;
    byte[] d = Bytes.withSlash(dir);
    FanotifyRoots.Root now = roots.rootOf(d);
    emit(new WatchEvent(WD, IN_MOVE_SELF | isDir, 0, now != null ? FanotifyRoots.shown(now, d) : was, Bytes.EMPTY, false));
  }

  private static int lastSlash(byte[] p) {
    for (int i = p.length - 1; i >= 0; i--) if (p[i] == '/') return i;
    return -1;
  }

  /** One FAN_RENAME: MOVED_FROM and MOVED_TO with one cookie, or only the half inside the tree. */
  private void renamed(Fanotify.Event e, int isDir) {
    byte[] from = e.oldDir() == null ? null : roots.path(e.oldDir());
    byte[] oldFull = from == null ? null : Bytes.concat(Bytes.withSlash(from), e.oldName());
    if (isDir != 0) {
      excludedDirs.clear();
      if (oldFull != null) roots.invalidate(oldFull);
      if (e.target() != null) roots.invalidate(e.target());
    }
    if (isDir != 0 && selfEvents && filterToRoot && e.target() != null) {
      FanotifyRoots.Root was = oldFull == null ? null : roots.rootOf(Bytes.withSlash(oldFull)); // before refresh(): where it was
      movedDirs.put(e.target(), was == null ? Bytes.EMPTY : FanotifyRoots.shown(was, Bytes.withSlash(oldFull)));
    }
    byte[] to = e.dir() == null ? null : roots.path(e.dir());
    int cookie = ++cookies;
    pendingMoveCookie = 0;
    if (oldFull != null) deliver(IN_MOVED_FROM, isDir, Bytes.withSlash(from), e.oldName(), oldFull, cookie);
    if (to != null) deliver(IN_MOVED_TO, isDir, Bytes.withSlash(to), e.name(), Bytes.concat(Bytes.withSlash(to), e.name()), cookie);
    if (isDir != 0) roots.refresh(); // a root or an ancestor of one renamed: its events are named under the root as given still
  }

  /**
   * Delivers kernel bits {@code bits} on {@code name} in {@code dir} (real paths, dir with a slash):
   * dropped when outside the tree, split when merged, the root's own deletion or move said as
   * inotify says it, and a new directory's contents reported (and marked) when asked.
   */
  private void deliver(int bits, int isDir, byte[] dir, byte[] name, byte[] full, int cookie) {
    if (selfEvents && filterToRoot && isDir != 0 && (bits & IN_DELETE) != 0 && rootDeleted(full)) return;
    FanotifyRoots.Root self = selfEvents ? null : roots.rootAt(full);
    if (self != null) { // the watched directory itself, seen from its parent
      int own = ((bits & (IN_DELETE | IN_MOVED_FROM)) != 0 ? ((bits & IN_DELETE) != 0 ? IN_DELETE_SELF : IN_MOVE_SELF) : 0)
          | (bits & (IN_ATTRIB | IN_MODIFY | IN_OPEN | IN_ACCESS | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE));
      own &= options.mask() | IN_DELETE_SELF | IN_MOVE_SELF;
      if (own != 0) emit(new WatchEvent(WD, own | isDir, 0, self.given(), Bytes.EMPTY, false));
      return;
    }
    FanotifyRoots.Root root = roots.rootOf(dir);
    if (root == null && filterToRoot) return;
    byte[] shown = root != null ? FanotifyRoots.shown(root, dir) : dir;
    if (root != null && options.hasExcludes() && belowExcluded(root, shown)) return; // inotify would not watch there
    int wanted = bits & options.mask();
    if ((wanted & IN_DELETE) != 0 && Integer.bitCount(wanted & (IN_CREATE | IN_DELETE | CHANGE_BITS)) > 1) {
      // merged by the kernel: the order is lost; the file's presence now tells which came last
      boolean there = Libc.lstatLook(full) != null;
      if (there) emit(new WatchEvent(WD, IN_DELETE | isDir, 0, shown, name, false));
      for (int bit : new int[] {IN_CREATE, IN_OPEN, IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE})
        if ((wanted & bit) != 0) emit(new WatchEvent(WD, bit | isDir, 0, shown, name, false));
      if (!there) emit(new WatchEvent(WD, IN_DELETE | isDir, 0, shown, name, false));
    } else if (wanted != 0) {
      emit(new WatchEvent(WD, wanted | isDir, cookie, shown, name, false));
    }
    if (options.recursive() && root != null && isDir != 0 && (bits & (IN_CREATE | IN_MOVED_TO)) != 0 && Libc.lstatLook(full) != null
        && !options.excludeDir().test(Bytes.concat(shown, name))) {
      byte[] newDir = Bytes.concat(shown, name, SLASH);
      marks.newDir(newDir, options.reportNewDirContents(), this::emit);
    }
  }

  /**
   * fsnotifywait: a watched directory deleted ({@code full}, its real path, in its parent's DELETE).
   * The kernel's DELETE_SELF waits for the last reference to the directory, and the descriptor held
   * here is one: it is said from the parent's event instead, as inotify says it. True when it was one.
   */
  private boolean rootDeleted(byte[] full) {
    byte[] dirSlash = Bytes.withSlash(full);
    for (FanotifyRoots.Root r : roots.all()) {
      if (!Arrays.equals(r.real(), dirSlash)) continue;
      if ((options.mask() & IN_DELETE_SELF) != 0) emit(new WatchEvent(WD, IN_DELETE_SELF | IN_ISDIR, 0, r.given(), Bytes.EMPTY, false));
      return true;
    }
    return false;
  }

  /** True when {@code dir} (shown form, with a slash) is an excluded directory or below one; cached per directory. */
  private boolean belowExcluded(FanotifyRoots.Root root, byte[] dir) {
    var key = new Fanotify.Handle(dir);
    Boolean known = excludedDirs.get(key);
    if (known != null) return known;
    boolean ex = false;
    for (int i = root.given().length; i < dir.length && !ex; i++) {
      if (dir[i] == '/') ex = options.excludeDir().test(Arrays.copyOf(dir, i));
    }
    if (excludedDirs.size() >= 4096) excludedDirs.clear();
    excludedDirs.put(key, ex);
    return ex;
  }

  /**
   * A filesystem mark reports each directory by the path it has through the source's own mount: a
   * tree another mount shows below the source is not watched there (another filesystem: the mark
   * does not reach it; a bind mount: its changes are named where its directory is). A mark of its
   * own would need a descriptor of it held open to name its handles, and that would keep it from
   * being unmounted. Null for a directory the source's mount shows (an unmount there). What to use
   * instead is the caller's to say, as the user set the watcher.
   */
  @Override
  public String watchMountPoint(byte[] dir) {
    byte[] real;
    try {
      real = MountWatch.realPath(dir);
    } catch (NativeException gone) {
      return null;
    }
    Mounts.Mount here = Mounts.of(Bytes.latin1(real));
    if (here == null) return null;
    for (FanotifyRoots.Root r : roots.all()) if (here.equals(Mounts.of(Bytes.latin1(Bytes.trimSlash(r.real()))))) return null;
    return "fanotify's filesystem mark does not see it there: it is " + (here.root().equals("/") ? "" : "a bind mount of " + here.root() + " of ")
        + "the " + here.type() + " filesystem " + here.device() + ", and the mark covers one filesystem and names each change by its path through the source's mount";
  }

  /** Marks held: 1 for a filesystem mark, one per directory with inode marks. */
  @Override
  public int watchCount() {
    return marks.count();
  }

  /** Directory handles resolved through the kernel so far (cache misses): for tests and diagnostics. */
  public long handleLookups() {
    return roots.lookups();
  }

  public Marks marks() {
    return marks.kind();
  }

  @Override
  public void wakeup() {
    fan.wakeup();
  }

  @Override
  public String kind() {
    return "fanotify";
  }

  @Override
  public void close() {
    fan.close();
    roots.close();
  }
}
