package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.sync.TargetQueue.State;
import dev.livesync.sync.TargetQueue.Task;
import java.util.List;

/**
 * A directory's rename on a target that copies from the source (a daemon), run just as the directory
 * was renamed again at the source: the copy finds its new name gone and makes nothing, and the target
 * still holds the old name. Finished as it is, the batch after it deletes that old name, and the next
 * rename finds no copy to make its new name from: the tree is sent whole (a 16 MiB directory renamed
 * twice back to back crossed again in full). So such a rename goes back to its place in the queue,
 * once, until the engine has read the source's events up to the moment it was found gone, the next
 * rename's included ({@link SourceReads}); a directory rename queued while an earlier one leading to
 * its old name waits goes right behind it ({@link #at}), and the two run as one group, replayed as one
 * copy from what the target holds ({@link RenameChains}). A directory deleted after its rename costs
 * one turn of the engine's loop: the rename then runs again, makes nothing, and is done.
 */
final class RenameMovedOn {
  /** Longest such a rename waits for the source to be read. */
  static final long READ_WAIT_MAX_NANOS = 2_000_000_000L;

  private RenameMovedOn() {}

  /**
   * Whether {@code group}, which ran to {@code ran}, goes back to wait for a read of the source after
   * {@code mark}: its new name was gone ({@link ItemExecutor#NEW_NAME_GONE}), and none of it waited so before.
   */
  static boolean requeued(TargetQueue queue, List<Task> group, ItemExecutor.Ran ran, long mark, long now) {
    if (ran.result() != ItemExecutor.NEW_NAME_GONE || mark == Long.MIN_VALUE) return false;
    for (Task g : group) if (g.waitedForRead) return false;
    for (Task g : group) {
      g.state = State.QUEUED;
      g.attempts--; // not a failure: it is tried again as new
      g.waitedForRead = true;
      g.readMark = mark;
      g.readWaitEnds = now + READ_WAIT_MAX_NANOS;
      queue.awaitingRead.add(g);
    }
    return true;
  }

  /**
   * Where the directory rename {@code m} goes in a queue of a target whose renames copy: right after a
   * run of directory renames (queued or running) at the end of the queue but for sends not tried yet,
   * one of which renamed a directory to {@code m}'s old name or above it; at the end otherwise. It
   * jumps only sends not tried yet, none of a start's: they read the source as it is when they run.
   */
  static int at(List<Task> tasks, WorkItem.Rename m) {
    int at = tasks.size();
    while (at > 0 && tasks.get(at - 1) instanceof Task t && t.queued() && t.attempts == 0 && !t.startup && t.item instanceof WorkItem.Send) at--;
    return leads(tasks, at, m) != null ? at : tasks.size();
  }

  /**
   * When the directory rename {@code t} just queued may start: as the rename it follows in a chain
   * does (one running: at once; they run together or one after the other), else at {@code otherwise}.
   * A chain is replayed as one copy from what the target holds, which no batch of the new name helps.
   */
  static long notBefore(List<Task> tasks, Task t, long otherwise) {
    int i = tasks.indexOf(t);
    Task lead = leads(tasks, i, (WorkItem.Rename) t.item);
    return lead == null ? otherwise : lead.queued() ? lead.notBefore : 0;
  }

  /** The rename in the run of directory renames ending before {@code end} that renamed a directory to {@code m}'s old name or above it, or null. */
  private static Task leads(List<Task> tasks, int end, WorkItem.Rename m) {
    BytePath from = BytePath.unsafeWrap(m.from());
    for (int i = end - 1; i >= 0 && tasks.get(i).item instanceof WorkItem.Rename r && r.dir(); i--)
      if (from.isUnder(BytePath.unsafeWrap(r.to()))) return tasks.get(i);
    return null;
  }
}
