package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The matcher that decides which events are excluded says what rsync says for the same patterns:
 * each pattern of the table against real {@code rsync -a -n --exclude=PAT} over a tree of names at
 * four depths (wildcards, classes, escapes, {@code **} and {@code ***}, anchors, directory-only
 * patterns, names with brackets, stars, backslashes and non-ASCII bytes in them). A pattern that
 * disagrees shows up here with the paths the two decide differently.
 */
class ExcludesTest {
  /** Names at every depth but the last two; which of them are directories differs from depth to depth. */
  private static final List<String> NAMES = List.of("node_modules", "deep", "x", "sub", "cache", "top", "dir", "lg", "x.log", "a.tmp",
      "[ab]", "a*b", "b\\c", "\u00e9", ".git", "Up", "9f", "a b", "f");
  private static final List<List<String>> DIRS = List.of(
      List.of("node_modules", "deep", "x", "sub", "top", "dir", "[ab]", "\u00e9", "b\\c"),
      List.of("x", "sub", "cache", "lg", "deep"),
      List.of("deep", "node_modules", "x"));
  private static final List<String> DEPTH_2 = List.of("deep", "node_modules", "x", "f", "x.log", "a.tmp", "lg", "sub", "a*b");

  /** Patterns, each checked on its own against rsync. */
  private static final List<String> PATTERNS = List.of(
      // the name alone, anywhere
      "node_modules", "deep/", "x", "f", "*.log", "*.tmp", ".*", "*/", "lg", "Up", "up", "a b",
      // anchored at the source's root
      "/top", "/top/", "/top/cache", "/x/x", "/*/deep", "/dir/***", "/x/**", "/**/x", "/x/x/**", "/f", "/*",
      // a slash inside: the end of the path
      "sub/cache", "dir/*.log", "dir/lg/", "*/deep", "x/x", "*/sub/*", "*/*/", "d*/*.log", "sub/x.log",
      // ** and ***
      "**/node_modules", "**/deep/", "**/x/**", "x/**", "**.log", "**/*.log", "**/sub/deep", "sub/**/f", "top/**/deep", "sub/***",
      "deep/***", "**/", "**f", "**/f", "***/f", "x**", "d**.log", "*/**", "**/x/*/", "**/**/x",
      // classes, escapes, ?
      "[ab]", "\\[ab\\]", "[[]ab]", "a\\*b", "a*b", "b\\c", "b\\\\c*", "?", "??", "???", "\u00e9", "?x", "[!a-m]*", "[^a-m]*",
      "[[:upper:]]*", "[[:digit:]]*", "[[:alpha:][:digit:]]f", "[a-]*", "[]ab]*", "[z-a]*", "[[:bogus:]]", "*[", "a?b", "*\\*b",
      "[[:punct:]]*", "[[:space:]]*", "[.]git", "[x]/[x]", "[a-c]*/[d]*", "x[/]x", "[[]*");

  @TempDir static Path tmp;
  static Path src;
  static Path empty;
  static List<String> all;

  @BeforeAll
  static void tree() throws IOException {
    src = Files.createDirectories(tmp.resolve("src"));
    empty = Files.createDirectories(tmp.resolve("dst"));
    build(src, 0);
    all = walk(src);
  }

  /** Depth 0 and 1 hold every name, depth 2 some; depth 3 holds a file and a directory with a file in it. */
  private static void build(Path dir, int depth) throws IOException {
    if (depth == 3) {
      Files.writeString(dir.resolve("x.log"), "l");
      Files.writeString(Files.createDirectories(dir.resolve("deep")).resolve("f"), "f");
      return;
    }
    for (String name : depth == 2 ? DEPTH_2 : NAMES) {
      Path p = dir.resolve(name);
      if (DIRS.get(depth).contains(name)) build(Files.createDirectories(p), depth + 1);
      else Files.writeString(p, name);
    }
  }

  private static List<String> walk(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString() + (Files.isDirectory(p) ? "/" : "")).sorted().toList();
    }
  }

  /** What rsync would send of the tree: every path, directories with a slash at the end. */
  private static Set<String> rsync(String pattern) throws Exception {
    Process p = new ProcessBuilder("rsync", "-a", "-n", "-8", "--out-format=%n", "--exclude=" + pattern, src + "/", empty + "/")
        .redirectErrorStream(true).start();
    var out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor()).as("rsync with %s: %s", pattern, out).isZero();
    Set<String> listed = new TreeSet<>();
    for (String line : out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) if (!line.isEmpty() && !line.equals("./")) listed.add(line);
    return listed;
  }

  private static Set<String> livesync(String pattern) {
    var ex = new Excludes(List.of(pattern));
    Set<String> kept = new TreeSet<>();
    for (String p : all) {
      boolean dir = p.endsWith("/");
      if (!ex.excluded(Bytes.of(dir ? p.substring(0, p.length() - 1) : p), dir)) kept.add(p);
    }
    return kept;
  }

  @Test
  void everyPatternExcludesWhatRsyncExcludes() throws Exception {
    assertThat(all).hasSizeGreaterThan(500);
    List<String> disagreements = new ArrayList<>();
    for (String pattern : PATTERNS) {
      Set<String> theirs = rsync(pattern), ours = livesync(pattern);
      if (theirs.equals(ours)) continue;
      Set<String> onlyRsync = new TreeSet<>(theirs), onlyOurs = new TreeSet<>(ours);
      onlyRsync.removeAll(ours);
      onlyOurs.removeAll(theirs);
      disagreements.add(pattern + ": rsync sends, livesync excludes " + first(onlyRsync) + "; livesync sends, rsync excludes " + first(onlyOurs));
    }
    assertThat(disagreements).as("patterns where livesync's matcher and rsync disagree").isEmpty();
  }

  private static String first(Set<String> s) {
    return s.size() <= 5 ? s.toString() : s.stream().limit(5).toList() + " and " + (s.size() - 5) + " more";
  }

  /** The cases the table above found, said once more where they are easy to read. */
  @Test
  void aLeadingDoubleStarMatchesNoDirectoryToo() {
    var ex = new Excludes(List.of("**/node_modules", "**/deep/", "sub/***", "**/x/**"));
    assertThat(ex.excluded(Bytes.of("node_modules"), true)).isTrue();
    assertThat(ex.excluded(Bytes.of("node_modules/f"), false)).isTrue();
    assertThat(ex.excluded(Bytes.of("a/b/node_modules"), false)).isTrue();
    assertThat(ex.excluded(Bytes.of("deep"), true)).isTrue();
    assertThat(ex.excluded(Bytes.of("deep"), false)).as("a file: the pattern ends with /").isFalse();
    assertThat(ex.excluded(Bytes.of("q/sub"), true)).as("sub/*** is the directory itself too").isTrue();
    assertThat(ex.excluded(Bytes.of("q/sub"), false)).isFalse();
    assertThat(ex.excluded(Bytes.of("x/f"), false)).isTrue();
    assertThat(ex.excluded(Bytes.of("x"), true)).as("**/x/** is what is inside x, not x").isFalse();
    assertThat(ex.excluded(Bytes.of("a/y/f"), false)).isFalse();
  }

  /**
   * Where a pattern is said not to tell two directory names apart below them, it excludes every path
   * below the one as below the other (the table's patterns, pairs of names and paths to put below them).
   */
  @Test
  void whereNoPatternTellsTwoNamesApartBelowThemNoneDoes() {
    List<String> dirs = List.of("d3", "dir", "sub", "s", "top", "t", "x", "n/d4", "n/dir", "a/top", "cache", "lg", "deep", "node_modules",
        "q/sub", "[ab]", "b\\c", "\u00e9", "top/x", "x/x", "a/x/y", "dir/lg");
    List<String> below = List.of("x.log", "deep", "deep/f", "lg", "lg/f", "cache", "cache/c", "sub/cache", "x/f", "node_modules/f", "dir/x.log",
        "a/b/c.log", "f", "y/f");
    List<String> wrong = new ArrayList<>();
    for (String pattern : PATTERNS) {
      var ex = new Excludes(List.of(pattern));
      for (String a : dirs) {
        for (String b : dirs) {
          if (ex.excluded(Bytes.of(a), true) || ex.excluded(Bytes.of(b), true) || ex.mayDifferBelow(Bytes.of(a), Bytes.of(b))) continue;
          for (String r : below) {
            for (boolean dir : new boolean[] {false, true}) {
              if (ex.excluded(Bytes.of(a + "/" + r), dir) != ex.excluded(Bytes.of(b + "/" + r), dir)) wrong.add(pattern + ": " + a + " / " + b + " / " + r);
            }
          }
        }
      }
    }
    assertThat(wrong).as("said alike below both names, excluded differently").isEmpty();
  }

  /** The everyday patterns never tell two names apart below them: a renamed directory can be moved at the target. */
  @Test
  void everydayPatternsNeverTellRenamedDirectoriesApart() {
    var ex = new Excludes(List.of("*.log", "cache/", "/top", "**/node_modules", "node_modules/", ".git", "/build/"));
    assertThat(ex.mayDifferBelow(Bytes.of("a/d3"), Bytes.of("b/dir"))).isFalse();
    assertThat(ex.mayDifferBelow(Bytes.of("x"), Bytes.of("top"))).isFalse();
    var inner = new Excludes(List.of("dir/*.log"));
    assertThat(inner.mayDifferBelow(Bytes.of("a"), Bytes.of("b"))).isFalse();
    assertThat(inner.mayDifferBelow(Bytes.of("dir/a"), Bytes.of("dir/b"))).isFalse();
    assertThat(inner.mayDifferBelow(Bytes.of("d3"), Bytes.of("dir"))).isTrue();
    assertThat(inner.mayDifferBelow(Bytes.of("n/dir"), Bytes.of("n/d5"))).isTrue();
    assertThat(new Excludes(List.of("sub/***")).mayDifferBelow(Bytes.of("a/s"), Bytes.of("a/t"))).isFalse();
    assertThat(new Excludes(List.of("sub/***")).mayDifferBelow(Bytes.of("sub/s"), Bytes.of("a/s"))).isTrue();
  }

  @Test
  void backslashesAreLiteralInAPatternWithoutWildcards() {
    assertThat(new Excludes(List.of("b\\c")).excluded(Bytes.of("b\\c"), false)).isTrue();
    assertThat(new Excludes(List.of("b\\c")).excluded(Bytes.of("bc"), false)).isFalse();
    assertThat(new Excludes(List.of("b\\c*")).excluded(Bytes.of("bc"), false)).as("with a wildcard, \\ escapes").isTrue();
  }
}
