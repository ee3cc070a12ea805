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
