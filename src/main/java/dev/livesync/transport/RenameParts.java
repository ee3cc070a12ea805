package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.NativeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A large renamed directory's copy on a daemon split into parts that rsync runs side by side: the
 * daemon's work (a hard link or a directory made per entry) is one system call after another in one
 * receiver, so a tree of tens of thousands of entries keeps one core busy while the other waits.
 * The parts are lists of names relative to the directory, balanced by their entry counts: its
 * entries, and where one directory alone holds more than a part's share, that directory's entries
 * instead (an <em>opened</em> directory, whose own mode and mtime a last run of the directory and
 * the opened ones sets: another part may make entries in it after rsync set them). The count is a
 * walk with getdents (a stat only where the filesystem does not give the type); only directories are
 * kept in memory, and an opened directory is listed again for its files.
 */
record RenameParts(List<List<byte[]>> parts, List<byte[]> opened, long entries) {
  /** How many directories may be opened at most: the plan's own cost stays small. */
  static final int MAX_OPENED = 64;

  /** A subtree: its entry count (itself included); {@code dirs}, its subdirectories; null for a file. */
  private record Node(byte[] rel, long weight, List<Node> dirs) {}

  /**
   * The parts for {@code parallelism} runs of {@code dir} (absolute); none ({@link #whole}: the
   * directory goes as one run) when the tree holds fewer than {@code minEntries} entries or cannot be
   * divided.
   */
  static RenameParts plan(byte[] dir, int parallelism, long minEntries) {
    Node root = count(dir, new byte[0]);
    long total = root.weight - 1;
    if (parallelism <= 1 || total < minEntries) return new RenameParts(List.of(), List.of(), total);
    long share = (total + parallelism - 1) / parallelism;
    PriorityQueue<Node> items = new PriorityQueue<>(Comparator.comparingLong(Node::weight).reversed());
    items.addAll(entries(dir, root));
    List<Node> kept = new ArrayList<>();
    List<byte[]> opened = new ArrayList<>();
    while (!items.isEmpty()) {
      Node n = items.poll();
      if (n.dirs != null && n.weight > share && n.weight > 1 && opened.size() < MAX_OPENED) {
        opened.add(n.rel);
        items.addAll(entries(dir, n));
      } else {
        kept.add(n); // largest first: the queue's order
      }
    }
    List<List<byte[]>> parts = Parts.balanced(kept, Node::weight, parallelism).stream().map(p -> p.stream().map(Node::rel).toList()).toList();
    if (parts.size() < 2) return new RenameParts(List.of(), List.of(), total);
    return new RenameParts(parts, opened, total);
  }

  /** Whether the directory goes as one run. */
  boolean whole() {
    return parts.size() < 2;
  }

  /** The entries of the counted directory {@code n}: its subdirectories as counted, its other entries listed again. */
  private static List<Node> entries(byte[] dir, Node n) {
    List<Node> out = new ArrayList<>(n.dirs);
    for (Entry e : list(dir, n.rel)) if (!e.dir) out.add(new Node(n.rel.length == 0 ? e.name : Bytes.child(n.rel, e.name), 1, null));
    return out;
  }

  /** The subtree at {@code rel} under {@code dir}, counted; its directories counted after the listing is closed (one open at a time). */
  private static Node count(byte[] dir, byte[] rel) {
    List<Node> dirs = new ArrayList<>();
    long weight = 1;
    for (Entry e : list(dir, rel)) {
      if (!e.dir) {
        weight++;
        continue;
      }
      Node d = count(dir, rel.length == 0 ? e.name : Bytes.child(rel, e.name));
      dirs.add(d);
      weight += d.weight;
    }
    return new Node(rel, weight, dirs);
  }

  private record Entry(byte[] name, boolean dir) {}

  /** The entries of {@code rel} under {@code dir}. Unreadable: none (rsync reports it in its run). */
  private static List<Entry> list(byte[] dir, byte[] rel) {
    byte[] abs = rel.length == 0 ? dir : Bytes.child(dir, rel);
    List<Entry> out = new ArrayList<>();
    try {
      Libc.listDir(abs, (name, type) -> {
        out.add(new Entry(name, Libc.isDir(type, Bytes.child(abs, name))));
      });
    } catch (NativeException e) {
      // unreadable: counted as nothing
    }
    return out;
  }
}
