package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Folds the event stream into one pending change per path (paths relative to the source root, raw
 * bytes). Single-threaded: only the engine loop calls it. A pending change means "make the target's
 * copy of this path equal to the source's" — what that is (copy, delete) is decided when rsync runs,
 * so repeated events on a path cost nothing extra. Rules (docs/engine.md):
 *
 * <ul>
 *   <li>create + modify + close_write → one send; a file modified and not yet closed is held until
 *       close_write, or until {@code maxHold} has passed (ever-open logs still ship);
 *   <li>create + delete → nothing (only while no whole-tree transfer is outstanding, since one
 *       might already have copied the file);
 *   <li>delete of a directory drops all queued work below it;
 *   <li>a paired rename queues the old name (to be deleted) and the new one (to be sent, a whole
 *       subtree for a directory) in the normal batches, and queued work below the old name moves to
 *       the new name; where a target can rename in place it also becomes a {@link WorkItem.Rename},
 *       emitted at once, ahead of that batch; unpaired MOVED_FROM is a delete, unpaired MOVED_TO a
 *       create (a whole subtree, sent recursively, for a directory).
 * </ul>
 *
 * Each event costs a hash lookup (plus node creation for new paths): O(1) amortised.
 */
public final class Coalescer {
  private static final int PENDING = 1, RECURSIVE = 2, BORN_CREATE = 4, WRITING = 8, RELEASED = 16, DIR_GONE = 32;
  private static final byte NONE = 0, READY = 1, HELD = 2;

  /** A path with queued work, as handed to the batcher. */
  public record Entry(byte[] path, boolean recursive, long firstNanos) {}

  private static final class Node {
    final byte[] path;
    final Node parent;
    java.util.Set<Node> kids;
    int flags;
    long firstNanos;
    long since; // READY: when it became ready; HELD: when the hold started
    byte list;
    Node prev, next;

    Node(byte[] path, Node parent) {
      this.path = path;
      this.parent = parent;
    }

    boolean pending() {
      return (flags & PENDING) != 0;
    }
  }

  private static final class Fifo {
    Node head, tail;
    int size;
  }

  private record MovedFrom(byte[] path, boolean dir, int readNo, long nanos) {}

  private final Clock clock;
  private final long maxHoldNanos;
  private final Map<Bytes.Key, Node> nodes = new HashMap<>();
  private final Node root = new Node(Bytes.EMPTY, null);
  private final Fifo ready = new Fifo();
  private final Fifo held = new Fifo();
  private final Map<Integer, MovedFrom> movedFrom = new HashMap<>();
  private final ArrayDeque<WorkItem> renames = new ArrayDeque<>();
  private boolean treeTransferActive;
  private boolean emitRenames = true;
  private boolean bornSinceForget;
  private int readNo;

  public Coalescer(Clock clock, long maxHoldNanos) {
    this.clock = clock;
    this.maxHoldNanos = maxHoldNanos;
  }

  /**
   * Whether any target can rename in place: only then does a paired rename also become a
   * {@link WorkItem.Rename} (ahead of the batch that reconciles both names). Without, a rename is
   * just the old name (deleted) and the new one (sent) in the normal batches.
   */
  public void emitRenames(boolean any) {
    emitRenames = any;
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
  }

  /** CREATE (from the kernel, or synthetic from scanning a new directory). */
  public void created(byte[] path, boolean dir) {
    if (!movedFrom.isEmpty()) expireMoveOf(path);
    Node n = node(path);
    boolean fresh = !n.pending();
    // A directory deleted and made again: the target's old one may hold files the new one lacks,
    // so it is sent recursively (a recursive send makes the target's subtree equal the source's).
    mark(n, dir && (n.flags & DIR_GONE) != 0 ? RECURSIVE : 0);
    if (fresh && !treeTransferActive) {
      n.flags |= BORN_CREATE;
      bornSinceForget = true;
    }
  }

  /** MODIFY: the file is being written; hold it until close_write (or maxHold). */
  public void modified(byte[] path) {
    Node n = node(path);
    mark(n, 0);
    if ((n.flags & (WRITING | RELEASED)) == 0) {
      n.flags |= WRITING;
      move(n, HELD, clock.nanos());
    }
  }

  /** CLOSE_WRITE: the writer is done; ship it with the next batch. */
  public void closedWrite(byte[] path) {
    Node n = node(path);
    mark(n, 0);
    if ((n.flags & WRITING) != 0) {
      n.flags &= ~WRITING;
      move(n, READY, clock.nanos());
    }
  }

  /** ATTRIB and anything else that just needs the path reconciled. */
  public void changed(byte[] path) {
    mark(node(path), 0);
  }

  /** DELETE (or an unpaired MOVED_FROM). */
  public void deleted(byte[] path, boolean dir) {
    Node n = nodes.get(new Bytes.Key(path));
    if (n != null) {
      dropBelow(n);
      if (n.pending() && (n.flags & BORN_CREATE) != 0 && !treeTransferActive) {
        clear(n);
        prune(n);
        return;
      }
    } else {
      n = node(path);
    }
    mark(n, 0);
    n.flags &= ~(WRITING | BORN_CREATE | RECURSIVE);
    if (dir) n.flags |= DIR_GONE;
    if (n.list == HELD) move(n, READY, clock.nanos());
  }

  public void movedFrom(int cookie, byte[] path, boolean dir) {
    movedFrom.put(cookie, new MovedFrom(path, dir, readNo, clock.nanos()));
  }

  public void movedTo(int cookie, byte[] path, boolean dir) {
    MovedFrom from = movedFrom.remove(cookie);
    if (from == null) {
      Node n = node(path);
      mark(n, dir ? RECURSIVE : 0);
      n.flags &= ~BORN_CREATE;
      return;
    }
    renamed(from.path, path, dir);
  }

  /**
   * Called after each read from the kernel: a MOVED_FROM whose MOVED_TO did not come in the same or
   * the next read went out of the tree, so it is a delete.
   */
  public void endOfRead() {
    readNo++;
    if (movedFrom.isEmpty()) return;
    expireMoves(false);
  }

  /** A MOVED_FROM still waiting for its pair after a short while is a delete. */
  public void expireMoves(boolean all) {
    long now = clock.nanos();
    var it = movedFrom.values().iterator();
    List<MovedFrom> gone = new ArrayList<>();
    while (it.hasNext()) {
      MovedFrom m = it.next();
      if (all || readNo - m.readNo >= 2 || now - m.nanos > 50_000_000L) {
        gone.add(m);
        it.remove();
      }
    }
    for (MovedFrom m : gone) deleted(m.path, m.dir);
  }

  /**
   * A name moved away and made again before its MOVED_FROM was given up as unpaired: the move is a
   * delete that happened first; handled later, it would drop the new file or tree.
   */
  private void expireMoveOf(byte[] path) {
    for (var it = movedFrom.values().iterator(); it.hasNext(); ) {
      MovedFrom m = it.next();
      if (java.util.Arrays.equals(m.path, path)) {
        it.remove();
        deleted(m.path, m.dir);
        return;
      }
    }
  }

  public boolean hasUnpairedMoves() {
    return !movedFrom.isEmpty();
  }

  private void renamed(byte[] from, byte[] to, boolean dir) {
    long now = clock.nanos();
    Node f = nodes.get(new Bytes.Key(from));
    List<Node> moved = new ArrayList<>();
    if (f != null) collect(f, moved);
    boolean fromIsNew = f != null && f.pending() && (f.flags & BORN_CREATE) != 0 && !treeTransferActive;
    long oldest = now;
    for (Node m : moved) oldest = Math.min(oldest, m.firstNanos);
    List<Entry> carried = new ArrayList<>(moved.size());
    List<Integer> carriedFlags = new ArrayList<>(moved.size());
    for (Node m : moved) {
      byte[] rel = java.util.Arrays.copyOfRange(m.path, from.length, m.path.length);
      carried.add(new Entry(Bytes.concat(to, rel), false, m.firstNanos));
      carriedFlags.add(m.flags);
    }
    if (f != null) {
      dropBelow(f);
      clear(f);
      prune(f);
    }
    if (!fromIsNew) {
      if (emitRenames) renames.add(new WorkItem.Rename(from, to, dir, oldest));
      // The old name is reconciled like a delete: gone at the source, unless something took its place.
      Node o = node(from);
      mark(o, 0);
      if (dir) o.flags |= DIR_GONE;
    }
    for (int i = 0; i < carried.size(); i++) {
      Entry e = carried.get(i);
      Node n = node(e.path());
      int fl = carriedFlags.get(i);
      mark(n, fl & RECURSIVE);
      n.firstNanos = Math.min(n.firstNanos, e.firstNanos());
      if ((fl & WRITING) != 0 && (n.flags & WRITING) == 0) {
        n.flags |= WRITING;
        move(n, HELD, now);
      }
    }
    // The new name is reconciled after the rename (a whole subtree for a directory): where the
    // target renamed in place this finds nothing to send, elsewhere it is the send itself; either way
    // it repairs what a batch in flight during the rename may have read from the source.
    Node t = node(to);
    mark(t, dir ? RECURSIVE : 0);
    t.firstNanos = Math.min(t.firstNanos, oldest);
    // Whatever now exists at the target under `to` must not be dropped by a later create+delete.
    for (Node a = nodes.get(new Bytes.Key(to)); a != null; a = a.parent) a.flags &= ~BORN_CREATE;
    for (Node a = parentOf(to); a != null; a = a.parent) a.flags &= ~BORN_CREATE;
  }

  private Node parentOf(byte[] path) {
    int slash = lastSlash(path);
    return slash < 0 ? root : nodes.get(new Bytes.Key(java.util.Arrays.copyOf(path, slash)));
  }

  /** Renames emitted since the last call, in event order; they go ahead of the next batch. */
  public List<WorkItem> takeRenames() {
    if (renames.isEmpty()) return List.of();
    List<WorkItem> out = new ArrayList<>(renames);
    renames.clear();
    return out;
  }

  public boolean hasRenames() {
    return !renames.isEmpty();
  }

  /** Number of paths with queued work (ready or held). */
  public int size() {
    return ready.size + held.size;
  }

  public int readySize() {
    return ready.size;
  }

  /** When the oldest ready path became ready, or -1 when none is. */
  public long oldestReadyNanos() {
    return ready.head == null ? -1 : ready.head.since;
  }

  /** When the oldest held path must ship anyway, or -1 when none is held. */
  public long nextHoldExpiryNanos() {
    return held.head == null ? -1 : held.head.since + maxHoldNanos;
  }

  /** First-seen time of the oldest queued change, or -1. */
  public long oldestChangeNanos() {
    long o = Long.MAX_VALUE;
    for (Node n = ready.head; n != null; n = n.next) o = Math.min(o, n.firstNanos);
    for (Node n = held.head; n != null; n = n.next) o = Math.min(o, n.firstNanos);
    return o == Long.MAX_VALUE ? -1 : o;
  }

  /** Moves held paths whose hold expired to ready (their writer is taking too long). */
  public void releaseExpiredHolds() {
    long now = clock.nanos();
    while (held.head != null && now - held.head.since >= maxHoldNanos) {
      Node n = held.head;
      n.flags = (n.flags & ~WRITING) | RELEASED;
      move(n, READY, now);
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
      sink.accept(new Entry(n.path, (n.flags & (RECURSIVE | DIR_GONE)) != 0, n.firstNanos));
      clear(n);
      prune(n);
      k++;
    }
    return k;
  }

  /** Everything, held or not (shutdown). */
  public int drainAll(Consumer<Entry> sink) {
    expireMoves(true);
    while (held.head != null) move(held.head, READY, clock.nanos());
    return drainReady(Integer.MAX_VALUE, sink);
  }

  // --- nodes

  private void mark(Node n, int extra) {
    if (!n.pending()) {
      n.flags = PENDING;
      n.firstNanos = clock.nanos();
      move(n, READY, n.firstNanos);
    }
    n.flags |= extra;
  }

  private Node node(byte[] path) {
    var key = new Bytes.Key(path);
    Node n = nodes.get(key);
    if (n != null) return n;
    int slash = lastSlash(path);
    Node parent = slash < 0 ? root : node(java.util.Arrays.copyOf(path, slash));
    n = new Node(path, parent);
    if (parent.kids == null) parent.kids = new java.util.HashSet<>(4);
    parent.kids.add(n);
    nodes.put(key, n);
    return n;
  }

  private static int lastSlash(byte[] p) {
    for (int i = p.length - 1; i >= 0; i--) if (p[i] == '/') return i;
    return -1;
  }

  private void collect(Node n, List<Node> out) {
    if (n.pending()) out.add(n);
    if (n.kids != null) for (Node k : List.copyOf(n.kids)) collect(k, out);
  }

  private void dropBelow(Node n) {
    if (n.kids == null) return;
    for (Node k : List.copyOf(n.kids)) {
      dropBelow(k);
      clear(k);
      detach(k);
    }
    n.kids = null;
  }

  private void clear(Node n) {
    unlink(n);
    n.flags = 0;
  }

  /** Removes nodes that no longer carry work nor have children, up the parent chain. */
  private void prune(Node n) {
    while (n != root && !n.pending() && (n.kids == null || n.kids.isEmpty())) {
      Node p = n.parent;
      detach(n);
      n = p;
    }
  }

  private void detach(Node n) {
    nodes.remove(new Bytes.Key(n.path));
    if (n.parent.kids != null) {
      n.parent.kids.remove(n);
      if (n.parent.kids.isEmpty()) n.parent.kids = null;
    }
  }

  private void move(Node n, byte to, long since) {
    unlink(n);
    Fifo f = to == READY ? ready : held;
    n.list = to;
    n.since = since;
    n.prev = f.tail;
    n.next = null;
    if (f.tail != null) f.tail.next = n;
    else f.head = n;
    f.tail = n;
    f.size++;
  }

  private void unlink(Node n) {
    if (n.list == NONE) return;
    Fifo f = n.list == READY ? ready : held;
    if (n.prev != null) n.prev.next = n.next;
    else f.head = n.next;
    if (n.next != null) n.next.prev = n.prev;
    else f.tail = n.prev;
    n.prev = n.next = null;
    n.list = NONE;
    f.size--;
  }
}
