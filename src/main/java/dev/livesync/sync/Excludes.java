package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * rsync-style exclude patterns applied to events exactly as rsync applies them to full syncs (the
 * same patterns go to rsync as {@code --exclude}): {@code *} matches within a name, {@code **}
 * across slashes, {@code ?} one character, {@code [...]} a class; a trailing {@code /} matches only
 * directories; a leading {@code /} anchors at the source root; a pattern with a {@code /} inside
 * matches the end of the path at a name boundary, one without matches the last name. A path is
 * excluded when it or any directory above it matches. Matching is on raw bytes.
 */
public final class Excludes {
  private record Rule(Pattern regex, boolean dirOnly, boolean wholePath, boolean anchored) {}

  private final List<Rule> rules = new ArrayList<>();
  private final List<String> patterns;

  public Excludes(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    for (String p : patterns) {
      String s = Bytes.latin1(Bytes.of(p));
      boolean dirOnly = s.endsWith("/") && s.length() > 1;
      if (dirOnly) s = s.substring(0, s.length() - 1);
      boolean anchored = s.startsWith("/");
      if (anchored) s = s.substring(1);
      boolean wholePath = anchored || s.contains("/") || s.contains("**");
      rules.add(new Rule(Pattern.compile(toRegex(s), Pattern.DOTALL), dirOnly, wholePath, anchored));
    }
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
    String path = Bytes.latin1(rel);
    if (matches(path, dir)) return true;
    for (int i = path.length() - 1; i > 0; i--) {
      if (path.charAt(i) == '/' && matches(path.substring(0, i), true)) return true;
    }
    return false;
  }

  private boolean matches(String path, boolean dir) {
    for (Rule r : rules) {
      if (r.dirOnly && !dir) continue;
      if (!r.wholePath) {
        int slash = path.lastIndexOf('/');
        if (r.regex.matcher(path.substring(slash + 1)).matches()) return true;
      } else if (r.anchored) {
        if (r.regex.matcher(path).matches()) return true;
      } else {
        if (r.regex.matcher(path).matches()) return true;
        for (int i = 0; i < path.length(); i++)
          if (path.charAt(i) == '/' && r.regex.matcher(path.substring(i + 1)).matches()) return true;
      }
    }
    return false;
  }

  private static String toRegex(String glob) {
    var sb = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            sb.append(".*");
            i++;
          } else {
            sb.append("[^/]*");
          }
        }
        case '?' -> sb.append("[^/]");
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            sb.append("\\[");
          } else {
            String body = glob.substring(i + 1, end);
            if (body.startsWith("!")) body = "^" + body.substring(1);
            sb.append('[').append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
            i = end;
          }
        }
        case '\\' -> {
          if (i + 1 < glob.length()) sb.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
        }
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return sb.toString();
  }
}
