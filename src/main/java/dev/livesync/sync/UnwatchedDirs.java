package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Errno;
import dev.livesync.fs.NativeException;
import dev.livesync.settings.Dirs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The directories of the source that the watcher could not watch (or, with fanotify, list), each
 * standing for its subtree: what {@code status} counts as not watched (DEGRADED), and why a stop is
 * not clean. Each is held by its path as the watcher names it, once however often it is reported (a
 * fanotify walk of a new directory meets the same one again). One counts while it is in the tree:
 * deleted, or moved out of it, it (with all below) no longer does; renamed within the tree, it is
 * held under its new name (it is still not watched: the watcher watches nothing below a directory it
 * found already watched). Up to {@link #TRACKED} are held by name; more are only counted, until
 * the watch is set up anew. A move away waits for its other half as long as the coalescer's does
 * ({@link MovePairing#WINDOW_NANOS}), then is forgotten: moved out of the tree, what it held no
 * longer counts, and held on, it kept its names for the life of the run. Written by the engine's
 * loop, read by status from any thread.
 */
final class UnwatchedDirs {
  static final int TRACKED = 10_000;
  /** Moves out of a directory holding tracked ones, waiting for their other half (by cookie). */
  private static final int AWAY = 64;

  private record Why(long seq, String op, int errno) {}

  private record Away(byte[] from, List<Map.Entry<byte[], Why>> dirs, long nanos) {}

  private final TreeMap<byte[], Why> dirs = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<Integer, Away> away = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Away> eldest) {
      return size() > AWAY; // never paired: moved out of the tree
    }
  };
  private long seq;
  private int untracked;
  private String firstUntracked = "";
  private final boolean scheduled;
  private final Clock clock;

  /** {@code scheduled}: the sync has a schedule, whose full syncs bring what is not watched. */
  UnwatchedDirs(boolean scheduled, Clock clock) {
    this.scheduled = scheduled;
    this.clock = clock;
  }

  /** Directory {@code dir} (no trailing slash) could not be watched: its message when it is new, else null. */
  synchronized String add(byte[] dir, NativeException e) {
    if (dirs.containsKey(dir)) return null;
    if (dirs.size() >= TRACKED) {
      untracked++;
      String why = why(dir, e.op(), e.errno());
      if (firstUntracked.isEmpty()) firstUntracked = why;
      return why;
    }
    var w = new Why(seq++, e.op(), e.errno());
    dirs.put(dir.clone(), w);
    return why(dir, w.op(), w.errno());
  }

  /** Directory {@code dir} was deleted, or moved out of the tree: it and what is below it no longer count. */
  synchronized void gone(byte[] dir) {
    if (!dirs.isEmpty()) takeAtOrBelow(dir);
  }

  /** Directory {@code dir} moved away ({@code cookie}): what is at and below it goes where its pair says, if it comes. */
  synchronized void movedFrom(int cookie, byte[] dir) {
    expire();
    if (dirs.isEmpty()) return;
    var moved = takeAtOrBelow(dir);
    if (!moved.isEmpty() && cookie != 0) away.put(cookie, new Away(dir.clone(), moved, clock.nanos()));
  }

  /** The other half of {@link #movedFrom}: the directory that moved away is now {@code to}, in the tree. */
  synchronized void movedTo(int cookie, byte[] to) {
    expire();
    if (away.isEmpty()) return;
    Away moved = away.remove(cookie);
    if (moved == null) return;
    for (var e : moved.dirs()) {
      byte[] at = Bytes.concat(to, Arrays.copyOfRange(e.getKey(), moved.from().length, e.getKey().length));
      if (dirs.size() < TRACKED) dirs.put(at, e.getValue());
      else untracked++;
    }
  }

  /** Removes {@code dir} and the directories below it, and returns them. */
  private List<Map.Entry<byte[], Why>> takeAtOrBelow(byte[] dir) {
    List<Map.Entry<byte[], Why>> out = new ArrayList<>();
    Why self = dirs.remove(dir);
    if (self != null) out.add(Map.entry(dir.clone(), self));
    byte[] from = Bytes.concat(dir, new byte[] {'/'});
    byte[] to = from.clone();
    to[dir.length] = '/' + 1; // the range holds exactly the paths that start with dir/
    var range = dirs.subMap(from, true, to, false);
    for (var e : range.entrySet()) out.add(Map.entry(e.getKey(), e.getValue()));
    range.clear();
    return out;
  }

  synchronized int count() {
    expire();
    return dirs.size() + untracked;
  }

  /** Moves away held for their other half (for tests). */
  synchronized int away() {
    return away.size();
  }

  /** Forgets the moves away whose other half did not come in time: they left the tree. */
  private void expire() {
    if (away.isEmpty()) return;
    long now = clock.nanos();
    away.values().removeIf(a -> now - a.nanos() > MovePairing.WINDOW_NANOS);
  }

  /** The first still counted, why and what to do; empty when none. */
  synchronized String first() {
    Map.Entry<byte[], Why> first = null;
    for (var e : dirs.entrySet()) if (first == null || e.getValue().seq() < first.getValue().seq()) first = e;
    return first == null ? firstUntracked : why(first.getKey(), first.getValue().op(), first.getValue().errno());
  }

  /** The watch is set up anew: it reports again what it cannot watch. */
  synchronized void clear() {
    dirs.clear();
    away.clear();
    untracked = 0;
    firstUntracked = "";
  }

  private String why(byte[] dir, String op, int errno) {
    if (errno == Errno.EACCES || errno == Errno.EPERM) {
      // not a limit: a full sync cannot read it either
      return "cannot watch " + Bytes.display(dir) + ": permission denied (livesync runs as uid " + Dirs.uid() + "): nothing below it is "
          + "replicated; give this user read and search access to it (chmod, chown), or run livesync as its owner";
    }
    if (errno == Errno.ENAMETOOLONG) {
      return "cannot watch " + Bytes.display(dir) + ": its path is longer than Linux takes in one call (4,095 bytes): changes below it "
          + "are not seen live; full syncs reach them as far as rsync can name them (4,095 bytes below the source)";
    }
    return new NativeException(op, errno, dir).getMessage() + "; changes below " + Bytes.display(dir) + " are not seen live until the limit is "
        + "raised (see `livesync doctor`; livesync looks every 5 s and then watches them)"
        + (scheduled ? "; till then the schedule's full syncs bring them" : "");
  }
}
