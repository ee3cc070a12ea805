package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.CommonDir;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts the coalescer's ready paths into {@link WorkItem.Send} batches. A batch closes {@code delay}
 * after its first path became ready, or at once when {@code maxPaths} are ready; it holds at most
 * {@code maxPaths} paths and {@code maxBytes} bytes. A file larger than {@code largeFile} goes in a
 * batch of its own, so small files never wait behind it. Renames come first, in event order. A
 * directory goes into the batch of the first path below it that is drained with it ({@link DirsBeside}).
 */
public final class Batcher {
  /** Size of a path at the source: -1 when missing, 0 for a directory. Called once per path. */
  public interface SizeProbe {
    long size(byte[] relPath);
  }

  public record Limits(long delayNanos, int maxPaths, long maxBytes, long largeFile) {}

  /** Whether a path is a directory at the source now. */
  public interface DirProbe {
    boolean isDir(byte[] relPath);
  }

  private final Coalescer coalescer;
  private final Clock clock;
  private final Limits limits;
  private final SizeProbe sizes;
  private final DirProbe dirs;

  public Batcher(Coalescer coalescer, Clock clock, Limits limits, SizeProbe sizes) {
    this(coalescer, clock, limits, sizes, p -> false);
  }

  /**
   * With {@code dirs}: a directory sent as itself in a batch that also holds a path below it is left
   * out of that batch ({@code -R} sends it along, mode and mtime included, as the parent of that
   * path). Its own entry would claim it for ordering, and the next batch, with more files of the same
   * new directory, would have to wait for this one: with a new directory every few dozen files,
   * every batch waited for the one before. Should it stop being a directory before rsync reads it,
   * its events queue it again, and that batch waits for this one (its path is above this one's).
   */
  public Batcher(Coalescer coalescer, Clock clock, Limits limits, SizeProbe sizes, DirProbe dirs) {
    this.coalescer = coalescer;
    this.clock = clock;
    this.limits = limits;
    this.sizes = sizes;
    this.dirs = dirs;
  }

  /** Items due now (possibly none); {@code flush} closes the open batch regardless of its age. */
  public List<WorkItem> poll(boolean flush) {
    return poll(flush, false);
  }

  /**
   * As {@link #poll(boolean)}; {@code backlog}: every target still has a batch waiting to start, so a
   * batch cut now would only wait too. The open batch then keeps growing (up to {@code maxPaths})
   * until a target can take it: under load batches grow with the lag instead of queueing up, and
   * each rsync carries more files for its fixed start-up cost.
   */
  public List<WorkItem> poll(boolean flush, boolean backlog) {
    List<WorkItem> out = new ArrayList<>(coalescer.takeRenames());
    coalescer.releaseExpiredHolds();
    long oldest = coalescer.oldestReadyNanos();
    if (oldest < 0) return out;
    long now = clock.nanos();
    boolean full = coalescer.readySize() >= limits.maxPaths();
    if (!flush && !full && (backlog || now - oldest < limits.delayNanos())) return out;
    var plain = new Open(false, false, out);
    var touched = new Open(false, true, out);
    var trees = new Open(true, false, out);
    List<Coalescer.Entry> ready = new ArrayList<>();
    coalescer.drainReady(Integer.MAX_VALUE, e -> {
      if (RootItself.is(e.path())) out.add(RootItself.send(e.firstNanos())); // alone: see RootItself
      else ready.add(e);
    });
    long[] size = new long[ready.size()];
    boolean[] dir = new boolean[ready.size()]; // a directory (size 0) sent as itself: each probed once
    Open[] to = new Open[ready.size()]; // null: a large file, in a batch of its own
    boolean[] inPlain = new boolean[ready.size()];
    for (int i = 0; i < ready.size(); i++) {
      Coalescer.Entry e = ready.get(i);
      size[i] = e.recursive() ? 0 : Math.max(0, sizes.size(e.path()));
      dir[i] = !e.recursive() && size[i] == 0 && dirs.isDir(e.path());
      // a directory or an empty file has no content to compare: it rides with the others
      to[i] = e.recursive() ? trees : size[i] > limits.largeFile() ? null : e.attributesOnly() && size[i] > 0 ? touched : plain;
      inPlain[i] = to[i] == plain;
    }
    DirsBeside beside = DirsBeside.of(ready, dir, inPlain);
    for (int i = 0; i < ready.size(); i++) {
      if (beside != null) {
        if (beside.moved(i)) continue; // goes right before the first path below it
        List<Integer> ds = beside.before(i);
        if (!ds.isEmpty()) {
          plain.makeRoom(ds.size() + 1, size[i]); // the directories and the path below them in one batch
          for (int d : ds) plain.add(ready.get(d).path(), 0, ready.get(d).firstNanos(), true);
        }
      }
      Coalescer.Entry e = ready.get(i);
      if (to[i] == null) out.add(new WorkItem.Send(List.of(e.path()), false, size[i], e.firstNanos(), e.attributesOnly()));
      else to[i].add(e.path(), size[i], e.firstNanos(), dir[i]);
    }
    plain.close();
    touched.close();
    trees.close();
    return out;
  }

  /**
   * Stopping: every pending change, held ones too, as items: the renames first, then one send of the
   * plain paths and one of the trees, without limits (what cannot go out before the stop's bound
   * stays journaled for the next start).
   */
  public List<WorkItem> drainAll() {
    List<WorkItem> items = new ArrayList<>(coalescer.takeRenames());
    List<Coalescer.Entry> rest = new ArrayList<>();
    coalescer.drainAll(rest::add);
    items.addAll(coalescer.takeRenames());
    List<byte[]> plain = new ArrayList<>(), trees = new ArrayList<>();
    long oldest = clock.nanos();
    for (Coalescer.Entry e : rest) {
      if (RootItself.is(e.path())) {
        items.add(RootItself.send(e.firstNanos()));
        continue;
      }
      (e.recursive() ? trees : plain).add(e.path());
      oldest = Math.min(oldest, e.firstNanos());
    }
    if (!plain.isEmpty()) items.add(new WorkItem.Send(plain, false, 0, oldest));
    if (!trees.isEmpty()) items.add(new WorkItem.Send(trees, true, 0, oldest));
    return items;
  }

  /** See {@link #Batcher(Coalescer, Clock, Limits, SizeProbe, DirProbe)}. */
  private static List<byte[]> withoutDirsAbove(List<byte[]> paths, List<Boolean> isDir) {
    Set<BytePath> parents = null;
    List<byte[]> out = null;
    for (int i = 0; i < paths.size(); i++) {
      byte[] p = paths.get(i);
      if (isDir.get(i)) {
        if (parents == null) {
          parents = new HashSet<>();
          for (byte[] q : paths)
            for (BytePath a : BytePath.unsafeWrap(q).ancestors()) if (!parents.add(a)) break; // and all above it: there already
        }
        if (parents.contains(BytePath.unsafeWrap(p))) {
          if (out == null) out = new ArrayList<>(paths.subList(0, i));
          continue;
        }
      }
      if (out != null) out.add(p);
    }
    return out == null ? paths : out;
  }

  /** When {@link #poll} next has something to do (nanos), or -1 when nothing is queued. */
  public long nextDeadlineNanos() {
    return nextDeadlineNanos(false);
  }

  /** As {@link #nextDeadlineNanos()}; under {@code backlog} the open batch waits for a target, not a time. */
  public long nextDeadlineNanos(boolean backlog) {
    long d = -1;
    long oldest = coalescer.oldestReadyNanos();
    if (oldest >= 0 && !backlog) d = oldest + limits.delayNanos();
    long hold = coalescer.nextHoldExpiryNanos();
    if (hold >= 0 && (d < 0 || hold < d)) d = hold;
    if (coalescer.hasRenames()) d = clock.nanos();
    return d;
  }

  private final class Open {
    /** Which of {@code paths} are directories sent as themselves (left out where a path below them joins), parallel to it. */
    List<Boolean> dirsOf = new ArrayList<>();

    final boolean recursive, attributesOnly;
    final List<WorkItem> out;
    List<byte[]> paths = new ArrayList<>();
    long bytes;
    long oldest = Long.MAX_VALUE;

    Open(boolean recursive, boolean attributesOnly, List<WorkItem> out) {
      this.recursive = recursive;
      this.attributesOnly = attributesOnly;
      this.out = out;
    }

    /** Closes the batch unless {@code n} more paths of {@code size} bytes in all fit it. */
    void makeRoom(int n, long size) {
      if (!paths.isEmpty() && (paths.size() + n > limits.maxPaths() || bytes + size > limits.maxBytes())) close();
    }

    /** Adds a path; {@code dir}: a directory, left out if a path below it joins this batch. */
    void add(byte[] path, long size, long first, boolean dir) {
      if (!paths.isEmpty() && (paths.size() >= limits.maxPaths() || bytes + size > limits.maxBytes())) close();
      paths.add(path);
      dirsOf.add(dir);
      bytes += size;
      oldest = Math.min(oldest, first);
    }

    void close() {
      if (paths.isEmpty()) return;
      BytePath base = CommonDir.of(paths); // above the directories left out too: they go as parents of the rest
      if (!recursive) paths = withoutDirsAbove(paths, dirsOf);
      out.add(new WorkItem.Send(List.copyOf(paths), recursive, bytes, oldest, attributesOnly, base));
      paths = new ArrayList<>();
      dirsOf = new ArrayList<>();
      bytes = 0;
      oldest = Long.MAX_VALUE;
    }
  }
}
