package dev.livesync.events;

import dev.livesync.fs.Bytes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * POSIX extended regular expressions (glibc regcomp with REG_EXTENDED, C locale) translated to
 * java.util.regex. Patterns and subjects are byte strings seen through {@link Bytes#latin1}, so every
 * byte is one char, as in the C locale. Only "does it match somewhere" is asked (REG_NOSUB), so
 * leftmost-longest versus leftmost-first does not matter. Supported: bracket expressions with
 * classes ({@code [[:alpha:]]}), equivalence classes and collating symbols of one char, intervals
 * ({@code {m}, {m,}, {m,n}, {,n}}), groups, alternation, back-references and the GNU escapes
 * {@code \w \W \s \S \b \B \< \> \` \'}. What glibc rejects is rejected ({@link #compile} throws).
 */
final class PosixRegex {
  private static final int DUP_MAX = 0x7fff;

  private final String src;
  private final boolean icase;
  private final StringBuilder out = new StringBuilder();
  private int i;
  /** Where the last quantifiable atom starts in {@link #out}, or -1 when a quantifier is not allowed. */
  private int atom = -1;
  private boolean quantified;
  private int groups;

  private PosixRegex(String src, boolean icase) {
    this.src = src;
    this.icase = icase;
  }

  /** Compiles {@code ere} (its bytes as latin1 chars); throws IllegalArgumentException when glibc would fail. */
  static Pattern compile(String ere, boolean icase) {
    String java = new PosixRegex(ere, icase).translate();
    try {
      return Pattern.compile(java, Pattern.DOTALL | (icase ? Pattern.CASE_INSENSITIVE : 0));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  static boolean find(Pattern p, byte[] subject) {
    return p.matcher(Bytes.latin1(subject)).find();
  }

  String translate() {
    Deque<Integer> open = new ArrayDeque<>();
    int n = src.length();
    while (i < n) {
      char c = src.charAt(i++);
      switch (c) {
        case '\\' -> escape();
        case '[' -> {
          int start = out.length();
          bracket();
          setAtom(start);
        }
        case '(' -> {
          open.push(out.length());
          groups++;
          notAtom("(");
        }
        case ')' -> {
          if (open.isEmpty()) {
            literal(')');
          } else {
            int start = open.pop();
            out.append(')');
            setAtom(start);
          }
        }
        case '|' -> notAtom("|");
        case '^' -> notAtom("^");
        case '$' -> notAtom("\\z");
        case '.' -> atom(".");
        case '*', '+', '?' -> quantifier(String.valueOf(c));
        case '{' -> interval();
        default -> literal(c);
      }
    }
    if (!open.isEmpty()) throw new IllegalArgumentException("unmatched ( in " + src);
    return out.toString();
  }

  private void setAtom(int start) {
    atom = start;
    quantified = false;
  }

  /** {@code java}, a piece a quantifier may follow. */
  private void atom(String java) {
    int start = out.length();
    out.append(java);
    setAtom(start);
  }

  /** {@code java}, a piece no quantifier may follow (an anchor or '|'). */
  private void notAtom(String java) {
    out.append(java);
    atom = -1;
  }

  private void literal(char c) {
    int start = out.length();
    appendLiteral(out, c);
    setAtom(start);
  }

  private static void appendLiteral(StringBuilder sb, char c) {
    if (Character.isLetterOrDigit(c) && c < 0x80) sb.append(c);
    else sb.append("\\x{").append(Integer.toHexString(c)).append('}');
  }

  private void quantifier(String q) {
    if (atom < 0) throw new IllegalArgumentException("nothing to repeat at " + (i - 1) + " in " + src);
    if (quantified) {
      out.insert(atom, "(?:");
      out.append(')');
    }
    out.append(q);
    quantified = true;
  }

  private void interval() {
    int close = src.indexOf('}', i);
    if (close < 0) throw new IllegalArgumentException("unmatched { in " + src);
    String body = src.substring(i, close);
    if (!body.matches("\\d*(,\\d*)?") || body.isEmpty() || body.equals(",")) {
      throw new IllegalArgumentException("bad interval {" + body + "} in " + src);
    }
    int comma = body.indexOf(',');
    String lo = comma < 0 ? body : body.substring(0, comma);
    String hi = comma < 0 ? null : body.substring(comma + 1);
    long min = lo.isEmpty() ? 0 : Long.parseLong(lo);
    Long max = hi == null ? Long.valueOf(min) : hi.isEmpty() ? null : Long.valueOf(hi);
    if (min > DUP_MAX || (max != null && (max > DUP_MAX || max < min))) {
      throw new IllegalArgumentException("bad interval {" + body + "} in " + src);
    }
    i = close + 1;
    quantifier("{" + min + (hi == null ? "" : "," + (max == null ? "" : max)) + "}");
  }

  private void escape() {
    if (i >= src.length()) throw new IllegalArgumentException("trailing backslash in " + src);
    char d = src.charAt(i++);
    switch (d) {
      case '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
        if (d - '0' > groups) throw new IllegalArgumentException("invalid back reference in " + src);
        atom("\\" + d);
      }
      case 'w', 'W', 's', 'S' -> atom("\\" + d);
      case 'b', 'B' -> notAtom("\\" + d);
      case '<' -> notAtom("\\b(?=\\w)");
      case '>' -> notAtom("\\b(?<=\\w)");
      case '`' -> notAtom("\\A");
      case '\'' -> notAtom("\\z");
      default -> literal(d);
    }
  }

  /** A bracket expression; {@link #i} is just past the '['. */
  private void bracket() {
    int n = src.length();
    var cls = new StringBuilder("[");
    if (i < n && src.charAt(i) == '^') {
      cls.append('^');
      i++;
    }
    boolean first = true;
    while (true) {
      if (i >= n) throw new IllegalArgumentException("unmatched [ in " + src);
      char c = src.charAt(i);
      if (c == ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c == '[' && i + 1 < n && src.charAt(i + 1) == ':') {
        int end = src.indexOf(":]", i + 2);
        if (end < 0) throw new IllegalArgumentException("unmatched [: in " + src);
        cls.append(namedClass(src.substring(i + 2, end)));
        i = end + 2;
        if (i < n && src.charAt(i) == '-' && i + 1 < n && src.charAt(i + 1) != ']') {
          throw new IllegalArgumentException("invalid range end in " + src);
        }
        continue;
      }
      int lo = element();
      if (i + 1 < n && src.charAt(i) == '-' && src.charAt(i + 1) != ']') {
        i++;
        if (src.startsWith("[:", i)) throw new IllegalArgumentException("invalid range end in " + src);
        int hi = element();
        if (hi < lo) throw new IllegalArgumentException("invalid range end in " + src);
        if (i < n && src.charAt(i) == '-' && i + 1 < n && src.charAt(i + 1) != ']') {
          throw new IllegalArgumentException("invalid range end in " + src);
        }
        appendLiteral(cls, (char) lo);
        cls.append('-');
        appendLiteral(cls, (char) hi);
      } else {
        appendLiteral(cls, (char) lo);
      }
    }
    out.append(cls).append(']');
  }

  /** One char of a bracket expression, or a one-char collating symbol / equivalence class. */
  private int element() {
    int n = src.length();
    char c = src.charAt(i);
    if (c == '[' && i + 1 < n && (src.charAt(i + 1) == '.' || src.charAt(i + 1) == '=')) {
      char kind = src.charAt(i + 1);
      int end = src.indexOf(kind + "]", i + 2);
      if (end < 0) throw new IllegalArgumentException("unmatched [" + kind + " in " + src);
      String name = src.substring(i + 2, end);
      if (name.length() != 1) throw new IllegalArgumentException("invalid collation character in " + src);
      i = end + 2;
      return name.charAt(0);
    }
    i++;
    return c;
  }

  private String namedClass(String name) {
    return switch (name) {
      case "upper", "lower" -> icase ? "\\p{Alpha}" : name.equals("upper") ? "\\p{Upper}" : "\\p{Lower}";
      case "alpha" -> "\\p{Alpha}";
      case "digit" -> "0-9";
      case "alnum" -> "\\p{Alnum}";
      case "space" -> "\\s";
      case "blank" -> " \\t";
      case "punct" -> "\\p{Punct}";
      case "print" -> "\\p{Print}";
      case "graph" -> "\\p{Graph}";
      case "cntrl" -> "\\p{Cntrl}";
      case "xdigit" -> "\\p{XDigit}";
      default -> throw new IllegalArgumentException("invalid character class [:" + name + ":]");
    };
  }
}
