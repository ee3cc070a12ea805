package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Mounts and unmounts below a directory while livesync runs. A watch is on the directory that was
 * at a path when it was set: once something is mounted on a directory below the source, that path
 * shows another tree, which nothing watches; once it is unmounted, the directory under it shows
 * again. The kernel tells of every change to the mount table on a descriptor of
 * /proc/self/mountinfo: poll(2) gives POLLPRI and POLLERR once after each (proc(5)). One thread of
 * the process waits there for every MountWatch (started with the first, ended with the last); a
 * change costs one read of mountinfo, and each MountWatch compares the mounts below its directory
 * with those it saw last: a mount elsewhere costs nothing more.
 */
public final class MountWatch implements AutoCloseable {
  /**
   * The mounts at {@code mountPoint} (absolute and real, below the directory; one char a byte, as
   * mountinfo has it) changed; {@code now} is what shows there now (the top of a stack), null when
   * nothing is mounted there any more.
   */
  public record Change(String mountPoint, Mounts.Mount now) {}

  private static final short POLLPRI = 2, POLLERR = 8;
  private static final Object LOCK = new Object();
  /** The thread and descriptor every MountWatch shares; null while there is none. Guarded by {@link #LOCK}. */
  private static Poller poller;

  /** The directory's real path and a slash ("/" for the root), as mountinfo writes paths. */
  private final String prefix;
  private final Consumer<List<Change>> onChange;
  /** The mounts below the directory at the last read; null before the first. Guarded by this. */
  private Set<Mounts.Mount> last;
  private volatile boolean closed;

  private MountWatch(String prefix, Consumer<List<Change>> onChange) {
    this.prefix = prefix;
    this.onChange = onChange;
  }

  /**
   * Tells {@code onChange} (on a thread of its own) of every change to the mounts strictly below
   * directory {@code dir} from now on, the topmost mount points only (whatever is below one of them
   * shows with it). A mount at {@code dir} itself is not told: the directory is then another one.
   * Throws when the directory or mountinfo cannot be opened.
   */
  public static MountWatch below(byte[] dir, Consumer<List<Change>> onChange) {
    byte[] real = realPath(dir);
    MountWatch w = new MountWatch(real.length == 1 ? "/" : Bytes.latin1(real) + "/", onChange);
    synchronized (LOCK) {
      if (poller == null) poller = new Poller(); // its descriptor first: any change from here on is told
      poller.watches.add(w);
    }
    w.read(Mounts.all()); // unless the poller's read came first
    return w;
  }

  /** The directory's real path (the kernel's name for it, symlinks resolved). */
  static byte[] realPath(byte[] dir) {
    int fd = Libc.open(dir, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
    try {
      byte[] real = Libc.readlinkOrNull(Bytes.of("/proc/self/fd/" + fd));
      if (real == null || real.length == 0 || real[0] != '/') throw new NativeException("readlink", Errno.ENOENT, dir);
      return real;
    } finally {
      Libc.close(fd);
    }
  }

  /** The real path of the directory, with a slash. */
  public byte[] realPrefix() {
    return Bytes.fromLatin1(prefix);
  }

  /** The topmost mount points below the directory as last read, each with what shows there. */
  public synchronized List<Change> now() {
    return last == null ? List.of() : topmost(last, List.copyOf(last));
  }

  private synchronized void read(List<Mounts.Mount> all) {
    if (closed) return;
    Set<Mounts.Mount> now = new LinkedHashSet<>(); // in mountinfo's order: the last at a point is on top
    for (Mounts.Mount m : all) if (m.mountPoint().startsWith(prefix) && m.mountPoint().length() > prefix.length()) now.add(m);
    if (last == null || now.equals(last)) {
      last = now;
      return;
    }
    Set<Mounts.Mount> changed = new HashSet<>(now);
    changed.addAll(last);
    Set<Mounts.Mount> both = new HashSet<>(now);
    both.retainAll(last);
    changed.removeAll(both);
    last = now;
    onChange.accept(topmost(changed, all));
  }

  /** The topmost of the mount points of {@code mounts}, each with the mount on top there in {@code all} (the last listed). */
  private static List<Change> topmost(Set<Mounts.Mount> mounts, List<Mounts.Mount> all) {
    TreeSet<String> points = new TreeSet<>();
    for (Mounts.Mount m : mounts) points.add(m.mountPoint());
    List<Change> out = new ArrayList<>();
    for (String p : points) {
      if (out.stream().anyMatch(c -> p.startsWith(c.mountPoint() + "/"))) continue;
      Mounts.Mount top = null;
      for (Mounts.Mount m : all) if (m.mountPoint().equals(p)) top = m;
      out.add(new Change(p, top));
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    synchronized (LOCK) {
      if (poller == null || !poller.watches.remove(this) || !poller.watches.isEmpty()) return;
      poller.stop();
      poller = null;
    }
  }

  /** The thread blocked in poll(2) on /proc/self/mountinfo, and an eventfd that ends it. */
  private static final class Poller {
    final CopyOnWriteArrayList<MountWatch> watches = new CopyOnWriteArrayList<>();
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int wakeFd;
    private final MemorySegment fds;
    /** Guarded by {@link #LOCK}: stop() writes the eventfd only while the thread has not released it. */
    private boolean stopped, released;

    Poller() {
      fd = Libc.open(Bytes.of("/proc/self/mountinfo"), Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
      try {
        wakeFd = Libc.eventfd(0, Libc.O_NONBLOCK | Libc.O_CLOEXEC);
      } catch (RuntimeException e) {
        Libc.close(fd);
        arena.close();
        throw e;
      }
      fds = Libc.pollfds(arena, fd, wakeFd);
      fds.set(JAVA_SHORT, 4, POLLPRI); // mountinfo is always readable (POLLIN): a change is POLLPRI | POLLERR
      Thread.ofPlatform().daemon().name("livesync-mounts").start(this::run);
    }

    private void run() {
      try {
        while (true) {
          int r = Libc.poll(fds, 2, -1); // the kernel notes the change seen by this poll: the next waits for another
          if (r == -Errno.EINTR) continue;
          synchronized (LOCK) {
            if (stopped) return;
            if (r < 0) { // not seen to happen: the MountWatches made from now on get a poller of their own
              if (poller == this) poller = null;
              return;
            }
          }
          if ((Libc.revents(fds, 0) & (POLLPRI | POLLERR)) == 0) continue;
          List<Mounts.Mount> all = Mounts.all();
          for (MountWatch w : watches) w.read(all);
        }
      } finally {
        synchronized (LOCK) {
          released = true;
          Libc.close(fd);
          Libc.close(wakeFd);
          arena.close();
        }
      }
    }

    /** Holding {@link #LOCK}. */
    void stop() {
      stopped = true;
      if (released) return;
      MemorySegment one = arena.allocate(JAVA_LONG);
      one.set(JAVA_LONG, 0, 1L);
      Libc.write(wakeFd, one, 8);
    }
  }
}
