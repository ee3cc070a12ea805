package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * rsync-style exclude patterns applied to events exactly as rsync applies them to full syncs (the
 * same patterns go to rsync as {@code --exclude}), rule for rule as rsync 3.x reads them: a trailing
 * {@code /} matches only directories; a leading {@code /} anchors at the source root; a pattern
 * without {@code * ? [} is a literal (a {@code \} in it is a backslash), one with them a wildcard
 * pattern ({@link Wildmatch}). A pattern with neither a {@code /} nor a {@code **} matches the last
 * name; one with a {@code /} inside (and no {@code **}) as many names at the end as it has; one
 * with a {@code **} the whole path or what follows any slash in it, and one that starts with {@code
 * **} the whole path with a {@code /} in front ({@code **}{@code /NAME} is NAME at the top too); a
 * trailing {@code /***} matches the directory itself too. A path is excluded when it or any
 * directory above it matches. Matching is on raw bytes.
 */
public final class Excludes {
  /**
   * One pattern: {@code body} without the anchoring slash and the trailing one; {@code slashes} counts
   * the slashes rsync counts (the anchoring one too).
   */
  private record Rule(byte[] body, boolean anchored, boolean dirOnly, boolean wild, boolean wild2, boolean wild2Prefix,
      boolean wild3Suffix, int slashes) {
    static Rule of(byte[] p) {
      int len = p.length;
      boolean dirOnly = len > 1 && p[len - 1] == '/';
      if (dirOnly) len--;
      int slashes = 0, stars = -1;
      boolean wild = false;
      for (int i = 0; i < len; i++) {
        byte b = p[i];
        if (b == '/') slashes++;
        if (b == '*' || b == '?' || b == '[') wild = true;
        if (stars < 0 && b == '*' && i + 1 < len && p[i + 1] == '*') stars = i;
      }
      boolean wild2 = wild && stars >= 0;
      boolean wild3 = wild2 && len >= 3 && p[len - 1] == '*' && p[len - 2] == '*' && p[len - 3] == '*';
      boolean anchored = len > 0 && p[0] == '/';
      return new Rule(Arrays.copyOfRange(p, anchored ? 1 : 0, len), anchored, dirOnly, wild, wild2, wild2 && stars == 0, wild3, slashes);
    }

    boolean matches(byte[] path, boolean dir) {
      if (path.length == 0 || dirOnly && !dir) return false;
      byte[] name = path;
      if (slashes == 0 && !wild2) {
        int slash = lastSlash(path);
        if (slash >= 0) name = Arrays.copyOfRange(path, slash + 1, path.length);
      }
      if (!wild) return anchored ? Arrays.equals(name, body) : endsWithName(name, body);
      byte[] text = name;
      if (wild2Prefix || wild3Suffix && dir) {
        text = Bytes.concat(wild2Prefix ? SLASH : Bytes.EMPTY, name, wild3Suffix && dir ? SLASH : Bytes.EMPTY);
      }
      int where = anchored ? 0 : slashes > 0 && !wild2 ? slashes + 1 : wild2 && !wild2Prefix ? -1 : 0;
      return Wildmatch.matches(body, text, where);
    }

    /**
     * Whether this rule may match a path below directory {@code a} and not the same path below
     * {@code b}, or the other way round; true where it cannot tell. A rule that matches the last name
     * only, or one name at the top, never does. Otherwise the pattern's names meet the path's names
     * one for one ({@code *}, {@code ?} and a class never match a slash; a name that is all stars,
     * any number of names), the pattern's last name the path's last, which lies below {@code a} or
     * {@code b}: only where another of its names (not all stars) matches a name of {@code a} or
     * {@code b} can it tell them apart — without {@code **}, the last name of either (the names
     * meet from the end, or from the top for an anchored one), with {@code **} any of their names.
     * A {@code **} inside a name, an escaped slash and a class may meet anything.
     */
    boolean mayDifferBelow(byte[] a, byte[] b) {
      if (slashes == 0 && !wild2) return false;
      List<byte[]> names = split(body);
      if (!wild2 && names.size() == 1) return false; // anchored, one name
      if (wild && (indexOf(body, '[') >= 0 || indexOfPair(body, '\\', '/') >= 0)) return true;
      List<byte[]> theirs = new ArrayList<>();
      if (wild2) {
        theirs.addAll(split(a));
        theirs.addAll(split(b));
      } else {
        theirs.add(split(a).getLast());
        theirs.add(split(b).getLast());
      }
      for (int i = 0; i < names.size(); i++) {
        byte[] n = names.get(i);
        boolean stars = n.length >= 2 && indexOfOther(n, '*') < 0;
        if (wild2 && !stars && indexOfPair(n, '*', '*') >= 0) return true; // ** beside other bytes in a name
        if (stars && wild2 || i == names.size() - 1) continue;
        for (byte[] t : theirs) if (wild ? Wildmatch.matches(n, t, 0) : Arrays.equals(n, t)) return true;
      }
      return false;
    }
  }

  private static final byte[] SLASH = {'/'};

  private final List<Rule> rules = new ArrayList<>();
  private final List<String> patterns;

  public Excludes(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    for (String p : patterns) rules.add(Rule.of(Bytes.of(p)));
  }

  public static final Excludes NONE = new Excludes(List.of());

  public List<String> patterns() {
    return patterns;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Excludes e && patterns.equals(e.patterns);
  }

  @Override
  public int hashCode() {
    return patterns.hashCode();
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** True when {@code rel} (relative to the source root, no leading slash) or a dir above it is excluded. */
  public boolean excluded(byte[] rel, boolean dir) {
    if (rules.isEmpty()) return false;
    if (matches(rel, dir)) return true;
    for (int i = rel.length - 1; i > 0; i--) {
      if (rel[i] == '/' && matches(Arrays.copyOf(rel, i), true)) return true;
    }
    return false;
  }

  private boolean matches(byte[] path, boolean dir) {
    for (Rule r : rules) if (r.matches(path, dir)) return true;
    return false;
  }

  /**
   * Whether a path below directory {@code from} and the same path below {@code to} may be excluded
   * differently (some pattern can tell the two names apart below them); false when it cannot.
   */
  public boolean mayDifferBelow(byte[] from, byte[] to) {
    for (Rule r : rules) if (r.mayDifferBelow(from, to)) return true;
    return false;
  }

  private static List<byte[]> split(byte[] p) {
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= p.length; i++) {
      if (i == p.length || p[i] == '/') {
        out.add(Arrays.copyOfRange(p, from, i));
        from = i + 1;
      }
    }
    return out;
  }

  private static int indexOf(byte[] p, char c) {
    for (int i = 0; i < p.length; i++) if (p[i] == c) return i;
    return -1;
  }

  private static int indexOfOther(byte[] p, char c) {
    for (int i = 0; i < p.length; i++) if (p[i] != c) return i;
    return -1;
  }

  /** Where {@code x} followed by {@code y} is in {@code p}, or -1. */
  private static int indexOfPair(byte[] p, char x, char y) {
    for (int i = 0; i + 1 < p.length; i++) if (p[i] == x && p[i + 1] == y) return i;
    return -1;
  }

  private static int lastSlash(byte[] p) {
    for (int i = p.length - 1; i >= 0; i--) if (p[i] == '/') return i;
    return -1;
  }

  /** Whether {@code path} ends with {@code tail} at a name's start (rsync's match of a literal pattern that is not anchored). */
  private static boolean endsWithName(byte[] path, byte[] tail) {
    int from = path.length - tail.length;
    return from >= 0 && Arrays.equals(path, from, path.length, tail, 0, tail.length) && (from == 0 || path[from - 1] == '/');
  }
}
