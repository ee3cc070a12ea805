package dev.livesync.sync;

import dev.livesync.fs.BytePath;
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

  private final Map<BytePath, Node> nodes = new HashMap<>();
  private final Node root = new Node(Bytes.EMPTY, null);

  static boolean pending(Node n) {
    return (n.flags & PENDING) != 0;
  }

  /** The node of {@code path}, made (with its ancestors) when missing. */
  Node node(byte[] path) {
    return node(BytePath.unsafeWrap(path));
  }

  private Node node(BytePath key) {
    Node n = nodes.get(key);
    if (n != null) return n;
    BytePath up = key.parent();
    Node parent = up.isEmpty() ? root : node(up);
    n = new Node(key.unsafeArray(), parent);
    if (parent.kids == null) parent.kids = new java.util.HashSet<>(4);
    parent.kids.add(n);
    nodes.put(key, n);
    return n;
  }

  /** The node of {@code path}'s parent directory, made when missing; null for a top-level name. */
  Node parentNode(byte[] path) {
    BytePath up = BytePath.unsafeWrap(path).parent();
    return up.isEmpty() ? null : node(up);
  }

  /** The node of {@code path}, or null. */
  Node get(byte[] path) {
    return nodes.get(BytePath.unsafeWrap(path));
  }

  /** The node of {@code path}'s parent (the root for a top-level name), or null. */
  Node parentOf(byte[] path) {
    BytePath up = BytePath.unsafeWrap(path).parent();
    return up.isEmpty() ? root : nodes.get(up);
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
    nodes.remove(BytePath.unsafeWrap(n.path));
    if (n.parent.kids != null) {
      n.parent.kids.remove(n);
      if (n.parent.kids.isEmpty()) n.parent.kids = null;
    }
  }
}
