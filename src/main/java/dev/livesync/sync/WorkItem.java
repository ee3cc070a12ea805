package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.fs.CommonDir;
import dev.livesync.transport.FullSyncShard;
import dev.livesync.transport.Transport;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One unit of work for a target, produced by the coalescer/batcher and executed by a worker. Items
 * are immutable and shared by all targets of a source. {@link #oldestNanos()} is when the oldest
 * change in the item was seen (for lag).
 */
public sealed interface WorkItem {
  long oldestNanos();

  /** Paths this item touches; each covers its whole subtree for ordering purposes. */
  List<byte[]> footprint();

  /**
   * What carries out released deletions ({@code livesync release-deletes}): a send of their topmost
   * {@code paths}, or, under a policy that deletes only at startup, a full sync with delete (that is
   * where they were held).
   */
  static WorkItem release(List<byte[]> paths, DeletePolicy delete, long now) {
    return delete.whileRunning() ? new Send(paths, false, 0, now) : new FullSync(true, "release-deletes", now);
  }

  /**
   * Paths the target must reconcile with the source: present → copied, missing → deleted. A plain
   * (not recursive) send compares its files by content, not by size and mtime (a file replaced by one
   * of the same size and mtime is still sent) unless {@code attributesOnly}: its paths only changed
   * mode, owner or mtime ({@link Coalescer.Entry#attributesOnly}). A recursive send compares by size
   * and mtime, as a full sync does (its tree may be mostly at the target already). {@code base}: a
   * directory above every path (a proper ancestor of each) whose own changes, and those of every
   * directory between it and the paths, go with this send (the batcher leaves out of a batch the
   * directories that rsync's {@code -R} carries as parents: {@link Batcher}); none above it had a
   * change this send stands for. The transport may start the run there ({@link Transport#BASE}).
   * Empty: the top.
   */
  // Never compared or hashed, like Rename; toString counts the paths.
  record Send(List<byte[]> paths, boolean recursive, long bytes, long oldestNanos, boolean attributesOnly, BytePath base) implements WorkItem {
    public Send(List<byte[]> paths, boolean recursive, long bytes, long oldestNanos) {
      this(paths, recursive, bytes, oldestNanos, false);
    }

    /** A send from the top ({@code base} empty). */
    public Send(List<byte[]> paths, boolean recursive, long bytes, long oldestNanos, boolean attributesOnly) {
      this(paths, recursive, bytes, oldestNanos, attributesOnly, BytePath.EMPTY);
    }

    /** This send's other fields with {@code paths}, which replace its own: the base as far as it is still above them all. */
    public Send withPaths(List<byte[]> paths, long bytes) {
      return new Send(paths, recursive, bytes, oldestNanos, attributesOnly, CommonDir.within(base, paths));
    }

    /** Whether the transfer must not skip a file for having its target copy's size and mtime (rsync -I). */
    public boolean byContent() {
      return !recursive && !attributesOnly;
    }

    @Override
    public List<byte[]> footprint() {
      return paths;
    }

    @Override
    public String toString() {
      return "send " + paths.size() + (recursive ? " trees" : " paths");
    }
  }

  /** A rename within the tree (paired MOVED_FROM/MOVED_TO). */
  // Never compared or hashed (items are values in queues and the journal); toString shows the paths.
  record Rename(byte[] from, byte[] to, boolean dir, long oldestNanos) implements WorkItem {
    @Override
    public List<byte[]> footprint() {
      return List.of(from, to);
    }

    @Override
    public String toString() {
      return "rename " + Bytes.display(from) + " -> " + Bytes.display(to);
    }
  }

  /** Whole-tree transfer: start, queue overflow, schedule, or a target too far behind. */
  record FullSync(boolean delete, String reason, long oldestNanos, List<byte[]> leaveOut) implements WorkItem {
    /** rsync's limit on a name below the source (MAXPATHLEN less its NUL): a longer one is reported while its directory is listed. */
    private static final int NAME_MAX_BYTES = 4095;

    public FullSync(boolean delete, String reason, long oldestNanos) {
      this(delete, reason, oldestNanos, List.of());
    }

    /** The empty path: covers the whole tree, so a full sync is a barrier. */
    @Override
    public List<byte[]> footprint() {
      return List.of(Bytes.EMPTY);
    }

    /**
     * What goes again after this full sync arrived only in part, {@code failed} being the paths rsync
     * named: a tree of each where the rest is done, deletions included (the paths only vanished or
     * changed under rsync, or this sync deletes nothing), so that a large tree in which some file
     * always vanishes on the way is synced once, not again and again. When it deletes and met an error
     * reading the source, rsync skipped the deletions of what it listed after it: this full sync again, leaving those paths
     * out (a name too long for rsync through its directory, where it is reported), then the trees;
     * itself alone when leaving out cannot help (a name excludes cannot say exactly, or left out already).
     */
    public List<WorkItem> rest(List<byte[]> failed, boolean sourceMoved) {
      if (failed.isEmpty()) return List.of(this);
      for (byte[] p : failed) if (p.length == 0 || p.length == 1 && p[0] == '.') return List.of(this); // a message that named no path
      Send trees = new Send(List.copyOf(failed), true, 0, oldestNanos);
      if (!delete || sourceMoved) return List.of(trees);
      var out = new LinkedHashSet<BytePath>();
      for (byte[] p : leaveOut) out.add(BytePath.unsafeWrap(p));
      int before = out.size();
      for (byte[] p : failed) {
        BytePath at = BytePath.unsafeWrap(p);
        if (p.length > NAME_MAX_BYTES) at = at.parent();
        if (at.isEmpty() || !FullSyncShard.plain(at.unsafeArray())) return List.of(this);
        out.add(at);
      }
      if (out.size() == before) return List.of(this);
      return List.of(new FullSync(delete, reason, oldestNanos, BytePath.unsafeArrays(out)), trees);
    }

    @Override
    public String toString() {
      return "full sync (" + reason + (leaveOut.isEmpty() ? "" : ", leaving out " + leaveOut.size() + " unreadable") + ")";
    }
  }
}
