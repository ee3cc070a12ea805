package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.PathQueue.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The coalescer's nodes by path, linked to their parents: a node exists while it or something below
 * it has queued work. Bit {@link #PENDING} of a node's flags says it has work of its own.
 */
final class PathTree {
  static final int PENDING = 1;

  private final Map<Bytes.Key, Node> nodes = new HashMap<>();
  private final Node root = new Node(Bytes.EMPTY, null);

  static boolean pending(Node n) {
    return (n.flags & PENDING) != 0;
  }

  /** The node of {@code path}, made (with its ancestors) when missing. */
  Node node(byte[] path) {
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

  /** The node of {@code path}, or null. */
  Node get(byte[] path) {
    return nodes.get(new Bytes.Key(path));
  }

  /** The node of {@code path}'s parent (the root for a top-level name), or null. */
  Node parentOf(byte[] path) {
    int slash = lastSlash(path);
    return slash < 0 ? root : get(java.util.Arrays.copyOf(path, slash));
  }

  private static int lastSlash(byte[] p) {
    for (int i = p.length - 1; i >= 0; i--) if (p[i] == '/') return i;
    return -1;
  }

  /** {@code n} and every node below it that has work, into {@code out}. */
  void collect(Node n, List<Node> out) {
    if (pending(n)) out.add(n);
    if (n.kids != null) for (Node k : List.copyOf(n.kids)) collect(k, out);
  }

  /** Forgets everything below {@code n}, work included. */
  void dropBelow(Node n) {
    if (n.kids == null) return;
    for (Node k : List.copyOf(n.kids)) {
      dropBelow(k);
      clear(k);
      detach(k);
    }
    n.kids = null;
  }

  /** {@code n} has no work any more (it leaves its queue). */
  static void clear(Node n) {
    PathQueue.leave(n);
    n.flags = 0;
  }

  /** Removes nodes that no longer carry work nor have children, up the parent chain. */
  void prune(Node n) {
    while (n != root && !pending(n) && (n.kids == null || n.kids.isEmpty())) {
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
}
