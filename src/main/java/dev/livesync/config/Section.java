package dev.livesync.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One TOML table being bound to a record: typed getters that fail with {@code file:line:col} and
 * what was expected, and {@link #finish()} that rejects keys nobody asked for (typos).
 */
final class Section {
  private final ObjectNode node;
  private final String path;
  private final String title;
  private final Source src;
  private final Map<String, String> known = new LinkedHashMap<>();

  record Source(String file, TomlPositions positions) {}

  Section(ObjectNode node, String path, String title, Source src) {
    this.node = node;
    this.path = path;
    this.title = title;
    this.src = src;
  }

  String path() {
    return path;
  }

  boolean has(String key) {
    known.putIfAbsent(key, "");
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  private JsonNode get(String key) {
    known.putIfAbsent(key, "");
    return node.get(key);
  }

  /** The value as parsed, for keys that accept several types; null when absent. */
  JsonNode raw(String key) {
    return get(key);
  }

  String string(String key, String def) {
    JsonNode v = get(key);
    if (v == null) return def;
    if (!v.isTextual()) throw wrong(key, "a string", v);
    return v.textValue();
  }

  String requiredString(String key, String meaning) {
    String s = string(key, null);
    if (s == null) throw missing(key, meaning);
    if (s.isBlank()) throw error(key, key + ": expected " + meaning + ", got an empty string");
    return s;
  }

  long integer(String key, long def, long min, long max) {
    Long n = integer(key);
    if (n == null) return def;
    if (n < min || n > max) throw error(key, key + ": expected a whole number from " + min + " to " + max + ", got " + n);
    return n;
  }

  /** An integer, range unchecked (the setting's rule does that); null when absent. */
  Long integer(String key) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (!v.isIntegralNumber() || !v.canConvertToLong()) throw wrong(key, "a whole number", v);
    return v.longValue();
  }

  boolean bool(String key, boolean def) {
    JsonNode v = get(key);
    if (v == null) return def;
    if (!v.isBoolean()) throw wrong(key, "true or false", v);
    return v.booleanValue();
  }

  /** A duration as written (a string such as "200ms"), for the setting's rule to parse; null when absent. */
  String durationText(String key) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (!v.isTextual()) throw wrong(key, "a duration string such as \"200ms\", \"30s\", \"5m\", \"1h\"", v);
    return v.textValue();
  }

  List<String> strings(String key) {
    JsonNode v = get(key);
    if (v == null) return List.of();
    if (!v.isArray()) throw wrong(key, "an array of strings such as " + switch (key) {
      case "extra_args" -> "[\"--numeric-ids\", \"-H\"]";
      case "hosts_allow" -> "[\"172.16.1.0/24\", \"192.168.1.5\"]";
      default -> "[\"*.tmp\", \"cache/\"]";
    }, v);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) throw error(key, key + "[" + i + "]: expected a string, got " + describe(e));
      out.add(e.textValue());
    }
    return List.copyOf(out);
  }

  Path absolutePath(String key, Path def) {
    String s = string(key, null);
    if (s == null) return def;
    if (!s.startsWith("/")) throw error(key, key + ": expected an absolute path (starting with /), got \"" + s + "\"");
    return Path.of(s).normalize();
  }

  /** An array of tables ({@code [[key]]}); empty when absent. */
  List<Section> tables(String key, String title) {
    JsonNode v = get(key);
    if (v == null) return List.of();
    if (!v.isArray()) throw wrong(key, "an array of tables written as [[" + qualified(key) + "]]", v);
    List<Section> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      String p = child(key) + "[" + i + "]";
      if (!(e instanceof ObjectNode o)) throw error(key, key + "[" + i + "]: expected a table written as [[" + qualified(key) + "]], got " + describe(e));
      out.add(new Section(o, p, title, src));
    }
    return out;
  }

  /** A sub-table ({@code [key]} or an inline table); null when absent. */
  Section table(String key, String title) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (!(v instanceof ObjectNode o)) throw wrong(key, "a table ([" + qualified(key) + "] or { ... })", v);
    return new Section(o, child(key), title, src);
  }

  /** Rejects keys that no getter asked for, suggesting the nearest known one. */
  void finish() {
    var it = node.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (known.containsKey(k)) continue;
      String hint = nearest(k, known.keySet());
      throw error(k, "unknown key '" + k + "' in " + title + (hint == null ? "" : "; did you mean '" + hint + "'?")
          + " (known keys: " + String.join(", ", new TreeSet<>(known.keySet())) + ")");
    }
  }

  ConfigException missing(String key, String meaning) {
    var pos = src.positions().find(path.isEmpty() ? key : path);
    return new ConfigException(src.file() + ":" + pos.line() + ":" + pos.column() + ": " + title + " is missing required key '"
        + key + "' (" + meaning + ")");
  }

  /** {@code file:line:col} of {@code key} (or of this table when the key is not in the text). */
  String position(String key) {
    var pos = src.positions().find(child(key));
    return src.file() + ":" + pos.line() + ":" + pos.column();
  }

  /** An error located at {@code key} (or at this table when the key is not in the text). */
  ConfigException error(String key, String message) {
    var pos = src.positions().find(child(key));
    String where = path.isEmpty() ? "" : path + ".";
    return new ConfigException(src.file() + ":" + pos.line() + ":" + pos.column() + ": " + where + message);
  }

  ConfigException wrong(String key, String expected, JsonNode got) {
    return error(key, key + ": expected " + expected + ", got " + describe(got));
  }

  private String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private String qualified(String key) {
    return path.replaceAll("\\[\\d+\\]", "").isEmpty() ? key : path.replaceAll("\\[\\d+\\]", "") + "." + key;
  }

  static String describe(JsonNode v) {
    if (v.isTextual()) return "the string \"" + v.textValue() + "\"";
    if (v.isBoolean()) return "the boolean " + v.booleanValue();
    if (v.isIntegralNumber()) return "the integer " + v.asText();
    if (v.isNumber()) return "the number " + v.asText();
    if (v.isArray()) return "an array";
    if (v.isObject()) return "a table";
    return v.getNodeType().toString().toLowerCase();
  }

  private static String nearest(String k, Set<String> candidates) {
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(k.toLowerCase(), c);
      if (d < bestDist) {
        bestDist = d;
        best = c;
      }
    }
    return bestDist <= Math.max(2, k.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
