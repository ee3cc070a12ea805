package dev.livesync.sync;

import static dev.livesync.sync.PathTree.clear;
import static dev.livesync.sync.PathTree.pending;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.PathQueue.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Folds the event stream into one pending change per path (paths relative to the source root, raw
 * bytes). Single-threaded: only the engine loop calls it. A pending change means "make the target's
 * copy of this path equal to the source's" — what that is (copy, delete) is decided when rsync runs,
 * so repeated events on a path cost nothing extra. Rules (docs/engine.md):
 *
 * <ul>
 *   <li>create + modify + close_write → one send; a file modified and not yet closed is held until
 *       close_write — as long as it is a regular file open for writing: a hold without close_write
 *       for {@link #ASK_AFTER_NANOS} asks whether it is and ends unless it is (symlinks, hard
 *       links, fifos, a closed file whose mtime alone was set: MODIFY with no close_write ever after;
 *       the path is judged by what it is then, whatever it was when held). One really open ships
 *       at close_write, or after {@code maxHold} (ever-open logs still ship);
 *   <li>create + delete → nothing (only while no whole-tree transfer is outstanding and no send of
 *       that name or below it started since the create or ran at it: it may have copied the file);
 *   <li>delete of a directory drops all queued work below it;
 *   <li>a paired rename queues the old name (to be deleted) and the new one (to be sent, a whole
 *       subtree for a directory) in the normal batches, and queued work below the old name moves to
 *       the new name; where a target can rename in place it also becomes a {@link WorkItem.Rename},
 *       emitted at once, ahead of that batch; unpaired MOVED_FROM is a delete, unpaired MOVED_TO a
 *       create (a whole subtree, sent recursively, for a directory); names exchanged (RENAME_EXCHANGE)
 *       are two renames, each name to the other: a name a directory had or has goes as a whole subtree.
 * </ul>
 *
 * Each event costs a hash lookup (plus node creation for new paths): O(1) amortised.
 */
public final class Coalescer {
  private static final int PENDING = PathTree.PENDING, RECURSIVE = 2, BORN_CREATE = 4, WRITING = 8, RELEASED = 16, DIR_GONE = 32,
      WRITTEN = 64;
  /** A hold lasting this long without close_write asks whether anyone still writes the file. */
  static final long ASK_AFTER_NANOS = 50_000_000L;

  /**
   * A path with queued work, as handed to the batcher. {@code attributesOnly}: all that happened to it
   * was ATTRIB (chmod, chown, an mtime set alone): its content is what the target has, so a copy there
   * with its size and mtime needs no transfer. Anything else (written, created, deleted, moved onto)
   * may have new content under the old size and mtime (dpkg, tar and {@code cp -p} set mtimes).
   */
  // Never compared or hashed: each entry is handed to the drain's consumer (hot path: no wrapper per path).
  public record Entry(byte[] path, boolean recursive, long firstNanos, boolean attributesOnly) {}

  private final Clock clock;
  private final long maxHoldNanos;
  private final PathTree tree = new PathTree();
  /** Whether a path (relative to the source root) is a regular file open for writing now: {@link dev.livesync.fs.WriterProbe}. */
  private final Predicate<byte[]> writers;
  private final PathQueue ready = new PathQueue();
  /** Modified, no close_write yet, not asked yet whether it is open for writing. */
  private final PathQueue held = new PathQueue();
  /** Asked, and open for writing then: waits for close_write or max_hold. */
  private final PathQueue writing = new PathQueue();
  private final MovePairing moves = new MovePairing();
  private final ArrayDeque<WorkItem> renames = new ArrayDeque<>();
  private boolean treeTransferActive;
  private boolean emitFileRenames = true, emitDirRenames = true, everyTargetRenamesFiles = true;
  /** The sync's excludes: a directory renamed where they may exclude otherwise below its new name goes by content, not moved. */
  Excludes excludes = Excludes.NONE;
  private boolean bornSinceForget;
  /** The plain sends running now: a name they may copy is never taken for one made and removed between two batches. */
  final SendsInFlight sends = new SendsInFlight(p -> {
    Node n = tree.get(p);
    if (n != null) n.flags &= ~BORN_CREATE;
  });

  /** {@code writers} tells the engine's loop whether a held path is still open for writing. */
  public Coalescer(Clock clock, long maxHoldNanos, Predicate<byte[]> writers) {
    this.clock = clock;
    this.maxHoldNanos = maxHoldNanos;
    this.writers = writers;
  }

  /**
   * Whether any target can rename files ({@code files}), directories ({@code dirs}) in place: only
   * then does a paired rename of one also become a {@link WorkItem.Rename} (ahead of the batch that
   * reconciles both names). Without, a rename is just the old name (deleted) and the new one (sent)
   * in the normal batches. {@code everyTargetFiles}: every target renames files in place. Only then
   * does the send that reconciles a renamed file's new name compare it by size and mtime: elsewhere
   * that send carries the data, and the name may have held a file of the same size and mtime (dpkg
   * renames NAME.dpkg-new over NAME).
   */
  public void emitRenames(boolean files, boolean dirs, boolean everyTargetFiles) {
    emitFileRenames = files;
    emitDirRenames = dirs;
    everyTargetRenamesFiles = everyTargetFiles;
  }

  /**
   * Tells whether a recursive or full transfer may be running: while it may, a created-then-deleted
   * path is still sent (as a delete), because the transfer may have copied it.
   */
  public void treeTransferActive(boolean active) {
    treeTransferActive = active;
  }

  /**
   * A whole-tree or recursive transfer was just queued: it may copy any path that exists now, so
   * no path queued so far may be dropped as created-then-deleted any more.
   */
  public void forgetCreates() {
    if (!bornSinceForget) return; // O(queued paths): not again for every rename item of a burst
    bornSinceForget = false;
    for (Node n = ready.head; n != null; n = n.next) n.flags &= ~BORN_CREATE;
    for (Node n = held.head; n != null; n = n.next) n.flags &= ~BORN_CREATE;
    for (Node n = writing.head; n != null; n = n.next) n.flags &= ~BORN_CREATE;
  }

  /** CREATE (from the kernel, or synthetic from scanning a new directory). */
  public void created(byte[] path, boolean dir) {
    // A name moved away and made again before its MOVED_FROM was given up as unpaired: the move is
    // a delete that happened first; handled later, it would drop the new file or tree.
    var away = moves.isEmpty() ? null : moves.takeFrom(path);
    if (away != null) deleted(away.path(), away.dir());
    Node n = tree.node(path);
    boolean fresh = !pending(n);
    // A directory deleted and made again: the target's old one may hold files the new one lacks,
    // so it is sent recursively (a recursive send makes the target's subtree equal the source's).
    mark(n, WRITTEN | (dir && (n.flags & DIR_GONE) != 0 ? RECURSIVE : 0));
    if (fresh && !treeTransferActive && !sends.running(path)) {
      n.flags |= BORN_CREATE;
      bornSinceForget = true;
    }
  }

  /**
   * MODIFY: the path may be being written; hold it until close_write. A hold lasting
   * {@link #ASK_AFTER_NANOS} asks whether the path is a regular file still open for writing, and
   * ends unless it is (a symlink's or a closed file's mtime set alone is a MODIFY too, with no
   * close_write ever after); one that is waits for close_write, or {@code maxHold}.
   */
  public void modified(byte[] path) {
    Node n = tree.node(path);
    mark(n, WRITTEN);
    if ((n.flags & (WRITING | RELEASED)) == 0) {
      n.flags |= WRITING;
      held.append(n, clock.nanos());
    }
  }

  /** CLOSE_WRITE: the writer is done; ship it with the next batch ({@link #unheld}). */
  public void closedWrite(byte[] path) {
    Node n = tree.node(path);
    mark(n, WRITTEN);
    if ((n.flags & WRITING) != 0) {
      n.flags &= ~WRITING;
      unheld(n);
    }
  }

  /**
   * A hold ended: ready as of the path's first change, the delay counted from there (from the hold's
   * end, a file rewritten faster than the delay, a heartbeat or a {@code >>} log, never came due).
   */
  private void unheld(Node n) {
    ready.append(n, n.firstNanos);
  }

  /** ATTRIB and anything else that just needs the path reconciled. */
  public void changed(byte[] path) {
    mark(tree.node(path), 0);
  }

  /** DELETE (or an unpaired MOVED_FROM). */
  public void deleted(byte[] path, boolean dir) {
    Node n = tree.get(path);
    if (n != null) {
      tree.dropBelow(n);
      if (pending(n) && (n.flags & BORN_CREATE) != 0 && !treeTransferActive) {
        clear(n);
        tree.prune(n);
        parentChanged(path);
        return;
      }
    } else {
      n = tree.node(path);
    }
    mark(n, WRITTEN);
    n.flags &= ~(WRITING | BORN_CREATE | RECURSIVE);
    if (dir) n.flags |= DIR_GONE;
    if (n.queue != ready) ready.append(n, clock.nanos());
  }

  public void movedFrom(int cookie, byte[] path, boolean dir) {
    moves.from(cookie, path, dir, clock.nanos());
  }

  public byte[] movedTo(int cookie, byte[] path, boolean dir) {
    MovePairing.MovedFrom from = moves.to(cookie);
    if (from == null) {
      replaced(path, clock.nanos());
      Node n = tree.node(path);
      mark(n, WRITTEN | (dir ? RECURSIVE : 0));
      n.flags &= ~BORN_CREATE;
      return null; // moved in from outside the tree
    }
    renamed(from.path(), path, dir);
    return from.path(); // a rename: the old name, paired with its MOVED_FROM
  }

  /** After each read from the kernel: a MOVED_FROM whose MOVED_TO came neither in it nor in the next went out of the tree (a delete). */
  public void endOfRead() {
    moves.endOfRead();
    expireMoves(false);
  }

  /** A MOVED_FROM still waiting for its pair after a short while is a delete. */
  public void expireMoves(boolean all) {
    for (var m : moves.expire(all, clock.nanos())) deleted(m.path(), m.dir());
  }

  public boolean hasUnpairedMoves() { return !moves.isEmpty(); }

  private void renamed(byte[] from, byte[] to, boolean dir) {
    long now = clock.nanos();
    Node f = tree.get(from);
    List<Node> moved = new ArrayList<>();
    if (f != null) tree.collect(f, moved);
    boolean fromIsNew = f != null && pending(f) && (f.flags & BORN_CREATE) != 0 && !treeTransferActive;
    // A non-directory leaves a name queued as a tree: names exchanged (RENAME_EXCHANGE), a directory is still there.
    boolean treeStays = !dir && f != null && (f.flags & (RECURSIVE | DIR_GONE)) != 0;
    long oldest = now;
    List<Entry> carried = new ArrayList<>(moved.size());
    int[] carriedFlags = new int[moved.size()];
    for (Node m : moved) {
      oldest = Math.min(oldest, m.firstNanos);
      carriedFlags[carried.size()] = m.flags;
      carried.add(new Entry(Bytes.concat(to, java.util.Arrays.copyOfRange(m.path, from.length, m.path.length)), false, m.firstNanos, false));
    }
    if (f != null) { tree.dropBelow(f); clear(f); tree.prune(f); }
    replaced(to, now);
    if (fromIsNew) parentChanged(from);
    if (!fromIsNew) {
      if (dir ? emitDirRenames && !excludes.mayDifferBelow(from, to) : emitFileRenames) renames.add(new WorkItem.Rename(from, to, dir, oldest));
      // The old name is reconciled like a delete: gone at the source, unless something took its place.
      Node o = tree.node(from);
      mark(o, WRITTEN);
      if (dir || treeStays) o.flags |= DIR_GONE;
    }
    for (int i = 0; i < carried.size(); i++) {
      Entry e = carried.get(i);
      Node n = tree.node(e.path());
      int fl = carriedFlags[i];
      mark(n, fl & (RECURSIVE | WRITTEN));
      n.firstNanos = Math.min(n.firstNanos, e.firstNanos());
      if ((fl & WRITING) != 0 && (n.flags & WRITING) == 0) {
        n.flags |= WRITING;
        held.append(n, now);
      }
    }
    // The new name is reconciled after the rename (a whole subtree for a directory): where the
    // target renamed in place this finds nothing to send, elsewhere it is the send itself; either way
    // it repairs what a batch in flight during the rename may have read from the source.
    // A file's data arrives with this send unless every target renamed it in place (then a copy with
    // its size and mtime is the renamed one).
    Node t = tree.node(to);
    boolean renamedInPlace = !fromIsNew && !dir && emitFileRenames && everyTargetRenamesFiles;
    mark(t, (dir ? RECURSIVE : 0) | (renamedInPlace ? 0 : WRITTEN));
    t.firstNanos = Math.min(t.firstNanos, oldest);
    // Whatever now exists at the target under `to` must not be dropped by a later create+delete.
    for (Node a = tree.get(to); a != null; a = a.parent) a.flags &= ~BORN_CREATE;
    for (Node a = tree.parentOf(to); a != null; a = a.parent) a.flags &= ~BORN_CREATE;
  }

  /**
   * A name came and went in {@code path}'s directory (a lock or temp file created and deleted, or
   * renamed away): nothing to send for it, but the directory's mtime changed. Its own send carries
   * that; so would any other path sent in it, but a batch that ran between the create and the
   * delete left the target directory with the mtime it had then (git's ref locks did).
   */
  private void parentChanged(byte[] path) {
    Node dir = tree.parentNode(path);
    if (dir != null) mark(dir, 0);
  }

  /**
   * Another file took {@code path}'s name (moved onto it): a hold for the file that had it is over,
   * and whatever the new one is gets its own (carried from its old name when it was being written).
   */
  private void replaced(byte[] path, long now) {
    Node n = tree.get(path);
    if (n == null || (n.flags & (WRITING | RELEASED)) == 0) return;
    n.flags &= ~(WRITING | RELEASED);
    if (pending(n) && n.queue != ready) ready.append(n, now);
  }

  /** Renames emitted since the last call, in event order; they go ahead of the next batch. */
  public List<WorkItem> takeRenames() {
    if (renames.isEmpty()) return List.of();
    List<WorkItem> out = new ArrayList<>(renames);
    renames.clear();
    return out;
  }

  public boolean hasRenames() { return !renames.isEmpty(); }

  /** Number of paths with queued work (ready or held). */
  public int size() {
    return ready.size + held.size + writing.size;
  }

  public int readySize() { return ready.size; }

  /** When the first ready path became ready (a hold's end counts as its first change), or -1. */
  public long oldestReadyNanos() {
    return ready.head == null ? -1 : ready.head.since;
  }

  /**
   * When {@link #releaseExpiredHolds()} next has work: a hold to ask about, or one that reached
   * {@code maxHold}; -1 when none is held.
   */
  public long nextHoldExpiryNanos() {
    long a = held.head == null ? Long.MAX_VALUE : held.head.since + Math.min(ASK_AFTER_NANOS, maxHoldNanos);
    long w = writing.head == null ? Long.MAX_VALUE : writing.head.since + maxHoldNanos;
    return Math.min(a, w) == Long.MAX_VALUE ? -1 : Math.min(a, w);
  }

  /** First-seen time of the oldest queued change, or -1. */
  public long oldestChangeNanos() {
    long o = Math.min(ready.oldestFirstNanos(), Math.min(held.oldestFirstNanos(), writing.oldestFirstNanos()));
    return o == Long.MAX_VALUE ? -1 : o;
  }

  /**
   * Ends the holds that are due: one held {@link #ASK_AFTER_NANOS} ends unless the path is a regular
   * file open for writing now (judged by what the path is now, not by the events that held it); one
   * that reached {@code maxHold} ends anyway (ever-open logs still ship).
   */
  public void releaseExpiredHolds() {
    long now = clock.nanos();
    long ask = Math.min(ASK_AFTER_NANOS, maxHoldNanos);
    while (held.head != null && now - held.head.since >= ask) {
      Node n = held.head;
      if (now - n.since >= maxHoldNanos) {
        n.flags = (n.flags & ~WRITING) | RELEASED;
        unheld(n);
      } else if (writers.test(n.path)) {
        writing.append(n, n.since); // keeps its hold start: writing stays ordered by it
      } else {
        n.flags &= ~WRITING;
        unheld(n);
      }
    }
    while (writing.head != null && now - writing.head.since >= maxHoldNanos) {
      Node n = writing.head;
      n.flags = (n.flags & ~WRITING) | RELEASED;
      unheld(n);
    }
  }

  /**
   * Hands up to {@code max} ready paths, oldest first, to {@code sink} and forgets them. A directory
   * deleted or renamed away goes out recursive too: its deletion may run only after a new directory
   * was made under the name (the target was down, or a restart replays it from the journal, and this
   * coalescer never saw the new one). Sent recursively it then mirrors the new directory; sent as
   * itself it would leave the old directory's files there.
   */
  public int drainReady(int max, Consumer<Entry> sink) {
    int k = 0;
    while (ready.head != null && k < max) {
      Node n = ready.head;
      sink.accept(new Entry(n.path, (n.flags & (RECURSIVE | DIR_GONE)) != 0, n.firstNanos, (n.flags & WRITTEN) == 0));
      clear(n);
      tree.prune(n);
      k++;
    }
    return k;
  }

  /** Everything, held or not (shutdown). */
  public int drainAll(Consumer<Entry> sink) {
    expireMoves(true);
    while (held.head != null) ready.append(held.head, clock.nanos());
    while (writing.head != null) ready.append(writing.head, clock.nanos());
    return drainReady(Integer.MAX_VALUE, sink);
  }

  // --- nodes

  private void mark(Node n, int extra) {
    if (!pending(n)) {
      n.flags = PENDING;
      n.firstNanos = clock.nanos();
      ready.append(n, n.firstNanos);
    }
    n.flags |= extra;
  }
}
