package dev.livesync.sync;

/**
 * A FIFO of the coalescer's path nodes (ready, held, open for writing); a node is in at most one,
 * and knows which. Append and remove are O(1).
 */
final class PathQueue {
  /** One path of the source with queued work, or an ancestor of one (see {@link Coalescer}). */
  static final class Node {
    final byte[] path;
    final Node parent;
    java.util.Set<Node> kids;
    int flags;
    long firstNanos;
    /** In the ready queue: when it became ready; in a hold queue: when the hold started. */
    long since;
    PathQueue queue;
    Node prev, next;

    Node(byte[] path, Node parent) {
      this.path = path;
      this.parent = parent;
    }
  }

  Node head, tail;
  int size;

  /** The earliest first-seen time of the paths here, or Long.MAX_VALUE when empty. */
  long oldestFirstNanos() {
    long o = Long.MAX_VALUE;
    for (Node n = head; n != null; n = n.next) o = Math.min(o, n.firstNanos);
    return o;
  }

  /** Moves {@code n} here (out of the queue it was in), at the tail, with {@code since}. */
  void append(Node n, long since) {
    leave(n);
    n.queue = this;
    n.since = since;
    n.prev = tail;
    n.next = null;
    if (tail != null) tail.next = n;
    else head = n;
    tail = n;
    size++;
  }

  /** Takes {@code n} out of whatever queue it is in. */
  static void leave(Node n) {
    PathQueue q = n.queue;
    if (q == null) return;
    if (n.prev != null) n.prev.next = n.next;
    else q.head = n.next;
    if (n.next != null) n.next.prev = n.prev;
    else q.tail = n.prev;
    n.prev = n.next = null;
    n.queue = null;
    q.size--;
  }
}
