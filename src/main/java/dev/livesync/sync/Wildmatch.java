package dev.livesync.sync;

/**
 * rsync's wildcard matching (its {@code wildmatch}), on raw bytes: {@code ?} is one byte but
 * {@code /}; {@code *} any run of bytes without {@code /}; two or more stars any run at all; {@code
 * [...]} one byte but {@code /} from a class ({@code !} or {@code ^} first negates it; ranges, a
 * {@code \} escaping the next byte, a {@code ]} right after the opening bracket as a member, and the
 * ASCII {@code [:name:]} classes); a {@code \} outside a class matches the next byte literally. A
 * class left open, or an unknown {@code [:name:]}, matches nothing. The ways out early ({@link
 * #ABORT_ALL}, {@link #ABORT_TO_STARSTAR}) are rsync's too: besides saving work they decide which
 * starting points after a slash are tried at all ({@link #matches}).
 */
final class Wildmatch {
  private static final int NO = 0, YES = 1;
  /** Nothing from here on can match: the text ran out, or the pattern is malformed. */
  private static final int ABORT_ALL = -1;
  /** A single {@code *} met a slash: only a {@code **} further out may still try further along. */
  private static final int ABORT_TO_STARSTAR = -2;
  /** {@link #inClass}: the class is malformed. */
  private static final int MALFORMED = Integer.MIN_VALUE;

  private Wildmatch() {}

  /**
   * Whether {@code pattern} matches {@code text}: all of it ({@code where} 0), its last {@code where}
   * slash-separated names ({@code where} > 0; false when it has fewer), or all of it or what follows
   * any of its slashes ({@code where} < 0).
   */
  static boolean matches(byte[] pattern, byte[] text, int where) {
    int from = 0;
    if (where > 0) {
      from = lastNames(text, where);
      if (from < 0) return false;
    }
    int m = match(pattern, 0, text, from);
    if (m == YES || where >= 0 || m == ABORT_ALL) return m == YES;
    for (int i = from; i < text.length; ) {
      if (text[i++] != '/') continue;
      m = match(pattern, 0, text, i);
      if (m != NO && m != ABORT_TO_STARSTAR) return m == YES;
    }
    return false;
  }

  /** Where the last {@code count} names of {@code text} start, or -1 when it has fewer. */
  private static int lastNames(byte[] text, int count) {
    for (int i = text.length - 1; i >= 0; i--) if (text[i] == '/' && --count == 0) return i + 1;
    return count == 1 ? 0 : -1;
  }

  private static int at(byte[] a, int i) {
    return i < a.length ? a[i] & 0xff : 0;
  }

  private static int match(byte[] p, int pi, byte[] t, int ti) {
    for (; pi < p.length; pi++, ti++) {
      int pc = p[pi] & 0xff;
      if (ti >= t.length && pc != '*') return ABORT_ALL;
      int tc = at(t, ti);
      switch (pc) {
        case '\\' -> {
          if (++pi >= p.length || tc != (p[pi] & 0xff)) return NO; // a lone \ at the end matches nothing
        }
        case '?' -> {
          if (tc == '/') return NO;
        }
        case '*' -> {
          boolean any = at(p, pi + 1) == '*';
          while (at(p, pi + 1) == '*') pi++;
          pi++;
          if (pi >= p.length) return any || indexOf(t, '/', ti) < 0 ? YES : NO;
          for (; ti < t.length; ti++) {
            int m = match(p, pi, t, ti);
            if (m != NO) {
              if (!any || m != ABORT_TO_STARSTAR) return m;
            } else if (!any && t[ti] == '/') {
              return ABORT_TO_STARSTAR;
            }
          }
          return ABORT_ALL;
        }
        case '[' -> {
          int end = inClass(p, pi + 1, tc);
          if (end == MALFORMED) return ABORT_ALL;
          if (end < 0) return NO;
          pi = end;
        }
        default -> {
          if (tc != pc) return NO;
        }
      }
    }
    return ti >= t.length ? YES : NO;
  }

  /**
   * The class that starts at {@code p[i]} (just after its {@code [}) against the byte {@code c}: the
   * index of its closing {@code ]} when {@code c} is in it, {@code ~index} when not, {@link
   * #MALFORMED} when it never closes or names an unknown {@code [:class:]}. Never a slash.
   */
  private static int inClass(byte[] p, int i, int c) {
    int pc = at(p, i);
    boolean negated = pc == '!' || pc == '^';
    if (negated) pc = at(p, ++i);
    boolean in = false;
    int prev = 0;
    while (true) {
      if (pc == 0) return MALFORMED;
      if (pc == '\\') {
        pc = at(p, ++i);
        if (pc == 0) return MALFORMED;
        in |= c == pc;
      } else if (pc == '-' && prev != 0 && at(p, i + 1) != 0 && at(p, i + 1) != ']') {
        pc = at(p, ++i);
        if (pc == '\\') {
          pc = at(p, ++i);
          if (pc == 0) return MALFORMED;
        }
        in |= c >= prev && c <= pc;
        pc = 0; // a range's end starts no range
      } else if (pc == '[' && at(p, i + 1) == ':') {
        int name = i + 2, close = name;
        while (at(p, close) != 0 && at(p, close) != ']') close++;
        if (at(p, close) == 0) return MALFORMED;
        int len = close - name - 1;
        if (len < 0 || at(p, close - 1) != ':') {
          in |= c == '['; // no [:name:] after all: the [ is a member, what follows is read as members
        } else {
          Boolean member = named(new String(p, name, len, java.nio.charset.StandardCharsets.ISO_8859_1), c);
          if (member == null) return MALFORMED;
          in |= member;
          i = close;
          pc = 0;
        }
      } else {
        in |= c == pc;
      }
      prev = pc;
      pc = at(p, ++i);
      if (pc == ']') break;
    }
    return in != negated && c != '/' ? i : ~i;
  }

  /** Whether {@code c} is in the class {@code [:name:]} (as in the C locale), or null for a name rsync does not know. */
  private static Boolean named(String name, int c) {
    boolean upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';
    boolean graph = c > ' ' && c < 0x7f;
    return switch (name) {
      case "alnum" -> upper || lower || digit;
      case "alpha" -> upper || lower;
      case "blank" -> c == ' ' || c == '\t';
      case "cntrl" -> c < ' ' || c == 0x7f;
      case "digit" -> digit;
      case "graph" -> graph;
      case "lower" -> lower;
      case "print" -> graph || c == ' ';
      case "punct" -> graph && !upper && !lower && !digit;
      case "space" -> c == ' ' || c >= '\t' && c <= '\r';
      case "upper" -> upper;
      case "xdigit" -> digit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
      default -> null;
    };
  }

  private static int indexOf(byte[] a, int b, int from) {
    for (int i = from; i < a.length; i++) if (a[i] == b) return i;
    return -1;
  }
}
