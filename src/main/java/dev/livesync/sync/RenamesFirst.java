package dev.livesync.sync;

import dev.livesync.sync.TargetQueue.Task;
import java.util.List;

/**
 * Where a directory's rename goes in a target's queue: ahead of the sends queued before it that have
 * not started. A send cut before {@code P/x} was renamed to {@code P/y} at the source, run first,
 * mirrors what the source has by then: a send naming {@code P} as a tree (or {@code P/x} itself)
 * deletes {@code P/x} at the target and copies {@code P/y} whole, and the rename behind it finds
 * nothing to move (under load, a directory of 25,000 files went again to the local and ssh targets
 * this way). Run first, the rename moves {@code P/x} in place, and those sends, which read the source
 * as it is when they run, find {@code P/y} there. It never jumps an earlier rename (one may depend on
 * another), a full sync, a send that has started or been tried, nor a start's items. Not for targets
 * whose renames copy from the source ({@link dev.livesync.transport.Transport#renameCopiesFromSource}): their rename waits
 * for the batch that reconciles the new name ({@link TargetQueue#coveredByCopies}).
 */
final class RenamesFirst {
  private RenamesFirst() {}

  /** The index in {@code tasks} at which a directory rename queued now goes. */
  static int at(List<Task> tasks) {
    int at = tasks.size();
    while (at > 0) {
      Task t = tasks.get(at - 1);
      if (!t.queued() || t.attempts > 0 || t.startup || !(t.item instanceof WorkItem.Send)) break;
      at--;
    }
    return at;
  }
}
