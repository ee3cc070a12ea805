package dev.livesync.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each key and table of a TOML file is (line and column, 1-based), so that errors found after
 * parsing (unknown keys, wrong types, missing fields) can point at the text. Jackson's TOML reader
 * builds a tree without positions; this scanner follows table headers and {@code key = value} lines
 * (skipping multi-line strings and arrays) and names each position by the same path the binder
 * uses: {@code sync[0].target[1].url}. It only locates; the parse itself is Jackson's.
 */
final class TomlPositions {
  record Pos(int line, int column) {}

  private static final String KEY = "(?:[A-Za-z0-9_-]+|\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*')";
  private static final Pattern ARRAY_HEADER = Pattern.compile("^\\s*\\[\\[\\s*(" + KEY + "(?:\\s*\\.\\s*" + KEY + ")*)\\s*\\]\\]");
  private static final Pattern TABLE_HEADER = Pattern.compile("^\\s*\\[\\s*(" + KEY + "(?:\\s*\\.\\s*" + KEY + ")*)\\s*\\]");
  private static final Pattern KEY_VALUE = Pattern.compile("^(\\s*)(" + KEY + "(?:\\s*\\.\\s*" + KEY + ")*)\\s*=\\s*");
  private static final Pattern INLINE_KEY = Pattern.compile("[{,]\\s*(" + KEY + ")\\s*=");

  private final Map<String, Pos> positions = new HashMap<>();
  private final Map<String, Integer> arrayCounts = new HashMap<>();
  /** The first key written twice in one table (its path, where it was first, where again), or null. */
  private Duplicate duplicate;

  record Duplicate(String path, Pos first, Pos again) {}

  TomlPositions(String text) {
    String table = "";
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher m;
      if ((m = ARRAY_HEADER.matcher(line)).find()) {
        List<String> parts = keyParts(m.group(1));
        String parent = resolve(parts.subList(0, parts.size() - 1));
        String arr = join(parent, parts.getLast());
        int idx = arrayCounts.merge(arr, 1, Integer::sum) - 1;
        table = arr + "[" + idx + "]";
        positions.put(table, new Pos(i + 1, indent(line) + 1));
        positions.putIfAbsent(arr, new Pos(i + 1, indent(line) + 1));
      } else if ((m = TABLE_HEADER.matcher(line)).find()) {
        table = resolve(keyParts(m.group(1)));
        positions.put(table, new Pos(i + 1, indent(line) + 1));
      } else if ((m = KEY_VALUE.matcher(line)).find()) {
        String key = join(table, String.join(".", keyParts(m.group(2))));
        Pos here = new Pos(i + 1, m.group(1).length() + 1);
        Pos before = positions.put(key, here);
        if (before != null && duplicate == null) duplicate = new Duplicate(key, before, here);
        String value = line.substring(m.end());
        if (value.startsWith("{")) inlineKeys(key, line, m.end(), i + 1);
        i = skipContinuation(lines, i, value);
      }
    }
  }

  /** The position of {@code path}, else of its nearest enclosing table, else 1:1. */
  Pos find(String path) {
    String p = path;
    while (true) {
      Pos pos = positions.get(p);
      if (pos != null) return pos;
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) return positions.getOrDefault(p, new Pos(1, 1));
      p = p.substring(0, cut);
    }
  }

  /** The first key set twice in one table (TOML refuses it), or null. */
  Duplicate duplicate() {
    return duplicate;
  }

  boolean has(String path) {
    return positions.containsKey(path);
  }

  private static int indent(String line) {
    int k = 0;
    while (k < line.length() && Character.isWhitespace(line.charAt(k))) k++;
    return k;
  }

  private void inlineKeys(String key, String line, int from, int lineNo) {
    Matcher im = INLINE_KEY.matcher(line);
    im.region(from, line.length());
    while (im.find()) positions.put(key + "." + unquote(im.group(1)), new Pos(lineNo, im.start(1) + 1));
  }

  /** A value that opens a multi-line string or an array spanning lines: skip to its end. */
  private static int skipContinuation(String[] lines, int i, String value) {
    String v = value.strip();
    for (String q : new String[] {"\"\"\"", "'''"}) {
      if (v.startsWith(q) && v.indexOf(q, 3) < 0) {
        int j = i + 1;
        while (j < lines.length && !lines[j].contains(q)) j++;
        return Math.min(j, lines.length - 1);
      }
    }
    if (v.startsWith("[")) {
      int depth = bracketDepth(v);
      int j = i;
      while (depth > 0 && j + 1 < lines.length) depth += bracketDepth(lines[++j]);
      return j;
    }
    return i;
  }

  /** Net '[' minus ']' outside strings and comments. */
  private static int bracketDepth(String s) {
    int depth = 0;
    char quote = 0;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (quote != 0) {
        if (c == '\\' && quote == '"') k++;
        else if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#') {
        break;
      } else if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      }
    }
    return depth;
  }

  /** Dotted header parts: each prefix that names an array of tables refers to its last element. */
  private String resolve(List<String> parts) {
    String path = "";
    for (String part : parts) {
      path = join(path, part);
      Integer n = arrayCounts.get(path);
      if (n != null) path = path + "[" + (n - 1) + "]";
    }
    return path;
  }

  private static String join(String table, String key) {
    return table.isEmpty() ? key : table + "." + key;
  }

  private static List<String> keyParts(String dotted) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(KEY).matcher(dotted);
    while (m.find()) out.add(unquote(m.group()));
    return out;
  }

  private static String unquote(String k) {
    if (k.length() >= 2 && (k.startsWith("\"") || k.startsWith("'"))) return k.substring(1, k.length() - 1);
    return k;
  }
}
