package dev.livesync.fs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The watches of one inotify instance: watch descriptor → {@link Node}, and the nodes as a tree
 * whose paths are rewritten when a directory is renamed. Single-threaded.
 */
final class WatchTable {
  private static final byte[] SLASH = {'/'};

  /** A watched file or directory. {@code path} is the %w form: a directory's ends in '/'. */
  static final class Node {
    final int wd;
    final boolean dir;
    byte[] path;
    byte[] name;
    Node parent;
    List<Node> children;

    Node(int wd, boolean dir, byte[] path, byte[] name, Node parent) {
      this.wd = wd;
      this.dir = dir;
      this.path = path;
      this.name = name;
      this.parent = parent;
    }

    Node child(byte[] childName) {
      if (children == null) return null;
      for (Node c : children) {
        if (Arrays.equals(c.name, childName)) return c;
      }
      return null;
    }

    void attach(Node c) {
      if (children == null) children = new ArrayList<>(4);
      children.add(c);
      c.parent = this;
    }

    void detach() {
      if (parent != null && parent.children != null) parent.children.remove(this);
      parent = null;
    }

    /** Gives this node the name {@code newName} in {@code newParent}, and the paths below it. */
    void moveTo(Node newParent, byte[] newName) {
      detach();
      name = newName;
      newParent.attach(this);
      rewritePaths();
    }

    boolean isAtOrBelow(Node top) {
      for (Node up = this; up != null; up = up.parent) if (up == top) return true;
      return false;
    }

    /** Gives this node and everything below it the paths their names have under their parents now. */
    void rewritePaths() {
      ArrayDeque<Node> todo = new ArrayDeque<>();
      todo.push(this);
      while (!todo.isEmpty()) {
        Node n = todo.pop();
        n.path = Bytes.concat(n.parent.path, n.name, SLASH);
        if (n.children != null) n.children.forEach(todo::push);
      }
    }
  }

  private final Inotify inotify;
  private final WatchProgress progress;
  private Node[] byWd = new Node[1024];
  private int watchCount;
  private int highestWd = -1;

  /** {@code progress} counts each watch put in. */
  WatchTable(Inotify inotify, WatchProgress progress) {
    this.inotify = inotify;
    this.progress = progress;
  }

  Node get(int wd) {
    return wd >= 0 && wd < byWd.length ? byWd[wd] : null;
  }

  /** Whether {@code n} still holds its watch. */
  boolean holds(Node n) {
    return get(n.wd) == n;
  }

  /** A new entry for directory {@code name} in {@code parent}, watched as {@code wd} at {@code path}. */
  Node putDir(Node parent, int wd, byte[] path, byte[] name) {
    Node node = new Node(wd, true, path, name, null);
    parent.attach(node);
    put(node);
    return node;
  }

  void put(Node n) {
    if (n.wd >= byWd.length) byWd = Arrays.copyOf(byWd, Math.max(n.wd + 1, byWd.length * 2));
    byWd[n.wd] = n;
    watchCount++;
    progress.watched();
    highestWd = Math.max(highestWd, n.wd);
  }

  /** Its watch is gone (IN_IGNORED): out of the tree and the table. */
  void remove(Node node) {
    node.detach();
    forget(node);
  }

  /** Removes the watches of {@code top} and everything below it. */
  void unwatchTree(Node top) {
    ArrayDeque<Node> todo = new ArrayDeque<>();
    todo.push(top);
    top.detach();
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      if (n.children != null) n.children.forEach(todo::push);
      inotify.rmWatch(n.wd);
      forget(n);
    }
  }

  void unwatchAll(List<Node> nodes) {
    if (nodes != null) nodes.forEach(this::unwatchTree);
  }

  private void forget(Node n) {
    if (get(n.wd) == n) {
      byWd[n.wd] = null;
      watchCount--;
    }
  }

  /** The watched directory whose %w path is {@code path} (with its slash), or null: a walk of the whole table. */
  Node dirAt(byte[] path) {
    for (int wd = 0; wd <= highestWd; wd++) {
      Node n = byWd[wd];
      if (n != null && n.dir && Arrays.equals(n.path, path)) return n;
    }
    return null;
  }

  int watchCount() {
    return watchCount;
  }

  /** Visits the watches whose descriptor is {@code >= fromWd}, in descriptor order (the order made). */
  void forEachWatch(int fromWd, WatchVisitor visitor) {
    for (int wd = Math.max(fromWd, 0); wd <= highestWd; wd++) {
      Node n = byWd[wd];
      if (n != null) visitor.watch(wd, n.path);
    }
  }
}
