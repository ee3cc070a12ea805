package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.sync.TargetQueue.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The deletions of missing ancestors ({@link VanishedPaths}) that another queued item carries out
 * anyway. A send finds {@code a/b/f} gone with {@code a}: mostly because {@code a} was renamed at the
 * source, and its rename, with the batch that reconciles both names, is queued behind. Deleted on its
 * own first, {@code a} would be gone at the target when the rename comes (so the new name's files go
 * again over the wire), and under {@code --max-delete} a renamed tree would count as a mass deletion
 * and hold every deletion after it. So such a deletion, when it starts, leaves out each ancestor
 * another queued item names: that item reconciles it (a rename's old name, a deletion's own batch).
 * For that the events that explain the ancestor's absence must be queued when the deletion starts.
 * Under load the engine reads the kernel's events late (a rename a second after the send found its
 * old name gone was not read yet, and the renamed tree, 24,000 files, was copied again): so the
 * deletion waits until the engine has read every event the kernel queued before the send's result
 * came back ({@link SourceReads}: a read that emptied the kernel's queue started after it), at most
 * {@link #READ_WAIT_MAX_NANOS}. When the engine keeps up, that is the next turn of its loop.
 *
 * <p>A directory's rename found behind such an item is mostly a daemon's: elsewhere the rename goes
 * ahead of the items queued before it that have not started ({@link RenamesFirst}).
 */
final class GoneAncestors {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GoneAncestors.class);
  /** Longest a deletion waits for the source to be read: the engine is far behind, or something went wrong. */
  static final long READ_WAIT_MAX_NANOS = 10_000_000_000L;

  private GoneAncestors() {}

  /** Queues the deletion of {@code ancestors} as an item of its own, to wait for a read of the source after {@code readMark}. */
  static void append(TargetQueue queue, List<byte[]> ancestors, long oldestNanos, long readMark, long now) {
    if (queuedAlready(queue, ancestors)) return;
    Task a = queue.append(new WorkItem.Send(List.copyOf(ancestors), false, 0, oldestNanos));
    a.gone = a.item.footprint();
    a.readMark = readMark;
    a.readWaitEnds = now + READ_WAIT_MAX_NANOS;
    if (readMark != Long.MIN_VALUE) queue.awaitingRead.add(a);
  }

  /**
   * Whether a deletion of all of {@code ancestors} waits in the queue already (not started): each
   * batch that finds them gone finds the same ones, and under a storm of renames dozens of identical
   * items were queued. The one waiting suffices: what made them gone happened before it was queued.
   */
  private static boolean queuedAlready(TargetQueue queue, List<byte[]> ancestors) {
    Set<BytePath> wanted = null;
    for (int i = queue.size() - 1; i >= 0; i--) {
      Task t = queue.get(i);
      if (t.gone == null || !t.queued() || t.attempts > 0) continue;
      if (wanted == null) wanted = new HashSet<>(BytePath.unsafeWrapAll(ancestors));
      if (new HashSet<>(BytePath.unsafeWrapAll(t.gone)).containsAll(wanted)) return true;
    }
    return false;
  }

  /** Lets the deletions go whose wait for a read of the source is over; true when any did. */
  static boolean released(TargetQueue queue, SourceReads reads, long now) {
    if (queue.awaitingRead.isEmpty()) return false;
    return queue.awaitingRead.removeIf(t -> {
      boolean read = reads.sourceReadSince(t.readMark);
      if (!read && now < t.readWaitEnds) return false;
      if (!read && t.gone != null) log.info("the source's events not all read {} s after {} was found gone: deleted now (if it was renamed, the new name may go whole)",
          READ_WAIT_MAX_NANOS / 1_000_000_000L, t.gone.stream().map(dev.livesync.fs.Bytes::display).toList());
      t.readMark = Long.MIN_VALUE;
      return true;
    });
  }

  /**
   * {@code t}'s item without the gone ancestors another queued item names, and without the
   * directories a queued rename moves away; the item itself when there are none. A send cut before a directory
   * was renamed at the source deletes its old name there (it is missing now): run ahead of the
   * rename queued behind it, it left the rename nothing to move, and the new name went again whole
   * (a chain of renames of a large directory under load copied its 24,000 files to the target
   * again). Left to the rename, the old name is moved, and the batch after the rename, which names
   * both names, reconciles it.
   */
  static WorkItem narrowed(Task t, TargetQueue queue) {
    if (!(t.item instanceof WorkItem.Send s)) return t.item;
    Set<BytePath> gone = t.gone == null ? Set.of() : new HashSet<>(BytePath.unsafeWrapAll(t.gone)), named = new HashSet<>();
    Set<BytePath> paths = null;
    for (int i = 0; i < queue.size(); i++) {
      Task o = queue.get(i);
      if (o == t) continue;
      if (o.item instanceof WorkItem.Rename r && r.dir()) { // behind t: a rename naming t's paths could not start before it
        if (paths == null) paths = new HashSet<>(BytePath.unsafeWrapAll(s.paths()));
        if (paths.contains(BytePath.unsafeWrap(r.from()))) named.add(BytePath.unsafeWrap(r.from()));
      }
      if (!gone.isEmpty()) for (byte[] p : o.item.footprint()) if (gone.contains(BytePath.unsafeWrap(p))) named.add(BytePath.unsafeWrap(p));
    }
    if (named.isEmpty()) return t.item;
    if (log.isDebugEnabled()) log.debug("gone from the source, left to the queued items that name them: {}", named.stream().map(BytePath::toString).toList());
    List<byte[]> left = new ArrayList<>(s.paths().size());
    for (byte[] p : s.paths()) if (!named.contains(BytePath.unsafeWrap(p))) left.add(p);
    return s.withPaths(left, 0);
  }
}
