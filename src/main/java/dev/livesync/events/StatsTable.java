package dev.livesync.events;

import static dev.livesync.fs.InotifyMask.IN_ACCESS;
import static dev.livesync.fs.InotifyMask.IN_ATTRIB;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_NOWRITE;
import static dev.livesync.fs.InotifyMask.IN_CLOSE_WRITE;
import static dev.livesync.fs.InotifyMask.IN_CREATE;
import static dev.livesync.fs.InotifyMask.IN_DELETE;
import static dev.livesync.fs.InotifyMask.IN_DELETE_SELF;
import static dev.livesync.fs.InotifyMask.IN_MODIFY;
import static dev.livesync.fs.InotifyMask.IN_MOVED_FROM;
import static dev.livesync.fs.InotifyMask.IN_MOVED_TO;
import static dev.livesync.fs.InotifyMask.IN_MOVE_SELF;
import static dev.livesync.fs.InotifyMask.IN_OPEN;
import static dev.livesync.fs.InotifyMask.IN_UNMOUNT;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * inotifywatch's per-watch event counts and its final table: columns in its order and widths,
 * rows sorted by the chosen count with ties in the order inotify-tools would have created the
 * watches (it watches a tree children first, in directory order).
 */
final class StatsTable {
  /** Table columns: event bit, header, printf width. */
  private static final int[] BITS = {
    IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE, IN_OPEN, IN_MOVED_FROM, IN_MOVED_TO,
    IN_MOVE_SELF, IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_UNMOUNT
  };
  private static final String[] NAMES = {
    "access", "modify", "attrib", "close_write", "close_nowrite", "open", "moved_from", "moved_to",
    "move_self", "create", "delete", "delete_self", "unmount"
  };
  private static final int[] WIDTHS = {6, 6, 6, 11, 13, 4, 10, 8, 9, 6, 6, 11, 7};

  /** One watch. */
  static final class Row {
    final int wd;
    final int root;
    final boolean setup;
    String path;
    final long[] hits = new long[BITS.length];
    long total;

    Row(int wd, String path, int root, boolean setup) {
      this.wd = wd;
      this.path = path;
      this.root = root;
      this.setup = setup;
    }

    long count(int sortEvent) {
      if (sortEvent == 0) return total;
      for (int i = 0; i < BITS.length; i++) {
        if (BITS[i] == sortEvent) return hits[i];
      }
      return total;
    }
  }

  private final Map<Integer, Row> rows = new HashMap<>();
  private final Map<String, Row> byPath = new HashMap<>();
  private final long[] totals = new long[BITS.length];
  private long total;

  /** Adds a watch (path as latin1 chars, '/'-terminated for directories); {@code root}: index of the given path. */
  void addWatch(int wd, String path, int root, boolean setup) {
    Row r = new Row(wd, path, root, setup);
    rows.putIfAbsent(wd, r);
    byPath.putIfAbsent(path, r);
  }

  boolean knows(int wd) {
    return rows.containsKey(wd);
  }

  /** Counts one event on watch {@code wd}, as inotifytools' record_stats does; unknown wds are ignored. */
  void record(int wd, int mask, String currentPath) {
    Row r = rows.get(wd);
    if (r == null) return;
    if (currentPath != null && !currentPath.equals(r.path)) {
      byPath.remove(r.path, r);
      r.path = currentPath;
      byPath.put(currentPath, r);
    }
    for (int i = 0; i < BITS.length; i++) {
      if ((mask & BITS[i]) != 0) {
        r.hits[i]++;
        totals[i]++;
      }
    }
    r.total++;
    total++;
  }

  long total() {
    return total;
  }

  /** The table as inotifywatch prints it (without the "No events occurred." case). */
  byte[] render(int events, boolean zero, int sort) {
    var sb = new StringBuilder("total  ");
    boolean[] show = new boolean[BITS.length];
    for (int i = 0; i < BITS.length; i++) {
      show[i] = (events & BITS[i]) != 0 && (zero || totals[i] != 0);
      if (show[i]) sb.append(NAMES[i]).append("  ");
    }
    sb.append("filename\n");
    List<Row> sorted = new ArrayList<>(rows.values());
    sorted.sort(comparator(sort));
    for (Row r : sorted) {
      if (!zero && r.total == 0) continue;
      sb.append(pad(r.total, 5)).append("  ");
      for (int i = 0; i < BITS.length; i++) {
        if (show[i]) sb.append(pad(r.hits[i], WIDTHS[i])).append("  ");
      }
      sb.append(r.path).append('\n');
    }
    var out = new ByteArrayOutputStream(sb.length());
    out.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  private static String pad(long v, int width) {
    String s = Long.toString(v);
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  private Comparator<Row> comparator(int sort) {
    boolean ascending = true;
    int event = sort;
    if (sort == -1) {
      event = 0;
      ascending = false;
    } else if (sort < 0) {
      event = -sort;
      ascending = false;
    }
    int ev = event;
    Comparator<Row> byCount = Comparator.comparingLong(r -> r.count(ev));
    if (!ascending) byCount = byCount.reversed();
    return byCount.thenComparing(this::creationOrder);
  }

  /**
   * The order inotify-tools would have given the watches wds in: given paths in order, each tree
   * children first (post-order) with siblings in directory order. Our watcher numbers siblings in
   * directory order too, so siblings compare by our wd; watches added later keep their wd order.
   */
  private int creationOrder(Row a, Row b) {
    if (!a.setup || !b.setup) return Integer.compare(a.wd, b.wd);
    if (a.root != b.root) return Integer.compare(a.root, b.root);
    if (a.path.equals(b.path)) return Integer.compare(a.wd, b.wd);
    if (isBelow(b.path, a.path)) return 1; // a is an ancestor: its descendants come first
    if (isBelow(a.path, b.path)) return -1;
    int common = commonDirPrefix(a.path, b.path);
    Row ca = byPath.get(childPrefix(a.path, common));
    Row cb = byPath.get(childPrefix(b.path, common));
    if (ca == null || cb == null) return Integer.compare(a.wd, b.wd);
    return Integer.compare(ca.wd, cb.wd);
  }

  private static boolean isBelow(String path, String dir) {
    return dir.endsWith("/") && path.length() > dir.length() && path.startsWith(dir);
  }

  /** Length of the longest common prefix of a and b that ends in '/'. */
  private static int commonDirPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int lastSlash = 0;
    for (int i = 0; i < n && a.charAt(i) == b.charAt(i); i++) {
      if (a.charAt(i) == '/') lastSlash = i + 1;
    }
    return lastSlash;
  }

  /** The path of the child of the common dir on the way to {@code path} (with its trailing '/'). */
  private static String childPrefix(String path, int common) {
    int slash = path.indexOf('/', common);
    return slash < 0 ? path : path.substring(0, slash + 1);
  }
}
