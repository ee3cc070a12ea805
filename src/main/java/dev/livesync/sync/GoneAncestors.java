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
 * By then the events that explain the ancestor's absence are queued: the send that found it gone had
 * started after it went (or, failing part-way, waits a retry delay before it goes again).
 */
final class GoneAncestors {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GoneAncestors.class);
  private GoneAncestors() {}

  /** Queues the deletion of {@code ancestors} as an item of its own. */
  static void append(TargetQueue queue, List<byte[]> ancestors, long oldestNanos) {
    Task a = queue.append(new WorkItem.Send(List.copyOf(ancestors), false, 0, oldestNanos));
    a.gone = a.item.footprint();
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
    return new WorkItem.Send(left, s.recursive(), 0, s.oldestNanos(), s.attributesOnly());
  }
}
