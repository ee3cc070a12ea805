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

  /** {@code t}'s item without the gone ancestors another queued item names; the item itself when there are none. */
  static WorkItem narrowed(Task t, TargetQueue queue) {
    if (t.gone == null || !(t.item instanceof WorkItem.Send s)) return t.item;
    Set<BytePath> gone = new HashSet<>(BytePath.unsafeWrapAll(t.gone)), named = new HashSet<>();
    for (int i = 0; i < queue.size(); i++) {
      Task o = queue.get(i);
      if (o == t) continue;
      for (byte[] p : o.item.footprint()) if (gone.contains(BytePath.unsafeWrap(p))) named.add(BytePath.unsafeWrap(p));
    }
    if (named.isEmpty()) return t.item;
    if (log.isDebugEnabled()) log.debug("gone from the source, left to the queued items that name them: {}", named.stream().map(BytePath::toString).toList());
    List<byte[]> left = new ArrayList<>(s.paths().size());
    for (byte[] p : s.paths()) if (!named.contains(BytePath.unsafeWrap(p))) left.add(p);
    return new WorkItem.Send(left, s.recursive(), 0, s.oldestNanos(), s.attributesOnly());
  }
}
