package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same file operations watched at once by Debian's inotifywait (3.22) and by
 * {@code livesync events}; stdout, stderr and exit codes compared. Where 3.22 and 4.25.9 differ,
 * the 4.25.9 behaviour is asserted and the difference named in a comment.
 */
class InotifywaitDifferentialTest {
  @RegisterExtension final Workspace work = new Workspace("inotifywait-diff");
  final Path tmp = work.dir();
  final Path dir = work.mkdirs("w");
  final Path logs = work.mkdirs("logs");

  interface Ops {
    void run(Differential d) throws Exception;
  }

  /** A -m run: start both, wait until watching, act, wait for equal output, compare stderr too. */
  private String monitor(List<String> args, Ops ops) throws Exception {
    return monitor(args, ops, UnaryOperator.identity());
  }

  private String monitor(List<String> args, Ops ops, UnaryOperator<String> normalize) throws Exception {
    try (Differential d = Differential.inotifywait(tmp, logs, args)) {
      d.awaitStderr("Watches established.");
      ops.run(d);
      String out = d.awaitSameStdout(normalize);
      assertThat(d.ours.stderr()).isEqualTo(d.ref.stderr());
      return out;
    }
  }

  /** A run without -m: both must exit by themselves; everything is compared. */
  private Outcome once(List<String> args, Ops ops) throws Exception {
    try (Differential d = Differential.inotifywait(tmp, logs, args)) {
      d.awaitStderr("Watches established.");
      ops.run(d);
      int refCode = d.ref.awaitExit(Differential.DEADLINE);
      int ourCode = d.ours.awaitExit(Differential.DEADLINE);
      var ref = new Outcome(d.ref.stdoutText(), d.ref.stderr(), refCode);
      var ours = new Outcome(d.ours.stdoutText(), d.ours.stderr(), ourCode);
      assertThat(ours).isEqualTo(ref);
      return ours;
    }
  }

  record Outcome(String out, String err, int code) {}

  private static List<String> args(String... a) {
    return List.of(a);
  }

  private static void write(Path p, String s) throws Exception {
    Files.writeString(p, s);
  }

  /** One write without truncation: a single MODIFY (two in a row could be merged by the kernel or not). */
  private static void append(Path p, String s) throws Exception {
    Files.writeString(p, s, java.nio.file.StandardOpenOption.APPEND);
  }

  // ---- output formats ----

  @Test
  void defaultLineForFilesAndDirectories() throws Exception {
    String out = monitor(args("-m", "w"), d -> {
      write(dir.resolve("a"), "one");
      Files.move(dir.resolve("a"), dir.resolve("b"));
      Files.createDirectory(dir.resolve("sub"));
      Files.delete(dir.resolve("sub"));
      Files.delete(dir.resolve("b"));
    });
    assertThat(out).contains("w/ CREATE a\n", "w/ CLOSE_WRITE,CLOSE a\n", "w/ MOVED_TO b\n",
        "w/ CREATE,ISDIR sub\n", "w/ DELETE b\n");
  }

  @Test
  void formatWatchedFileAndEvents() throws Exception {
    String out = monitor(args("-m", "--format", "[%w] [%f] [%e]", "w"), d -> {
      write(dir.resolve("x y"), "1");
      Files.createDirectory(dir.resolve("d"));
    });
    assertThat(out).contains("[w/] [x y] [CLOSE_WRITE,CLOSE]\n", "[w/] [d] [CREATE,ISDIR]\n");
  }

  @Test
  void formatWithChosenEventSeparators() throws Exception {
    String out = monitor(args("-m", "--format", "%:e|%.e|%;e|%f", "w"), d -> Files.createDirectory(dir.resolve("d")));
    assertThat(out).contains("CREATE:ISDIR|CREATE.ISDIR|CREATE;ISDIR|d\n");
  }

  @Test
  void formatNulNewlinePercentAndNoNewline() throws Exception {
    String out = monitor(args("-m", "-e", "create", "--no-newline", "--format", "%f%0%%%n%q", "w"),
        d -> write(dir.resolve("n1"), ""));
    assertThat(out).isEqualTo("n1\0%\n%q");
  }

  @Test
  void formatCookiesPairMovesLikeInotifywait() throws Exception {
    // cookie values differ between the two processes: compare which events share a cookie
    String out = monitor(args("-m", "-e", "move", "-e", "create", "--format", "%e %f %c", "w"), d -> {
      write(dir.resolve("a"), "");
      Files.move(dir.resolve("a"), dir.resolve("b"));
      Files.createDirectory(dir.resolve("d"));
      Files.move(dir.resolve("d"), dir.resolve("e"));
      Files.move(dir.resolve("b"), tmp.resolve("outside"));
    }, InotifywaitDifferentialTest::numberCookies);
    assertThat(out).isEqualTo("CREATE a 0\nMOVED_FROM a c1\nMOVED_TO b c1\nCREATE,ISDIR d 0\n"
        + "MOVED_FROM,ISDIR d c2\nMOVED_TO,ISDIR e c2\nMOVED_FROM b c3\n");
  }

  /** Replaces each distinct non-zero cookie (last word) by c1, c2, ... in order of appearance. */
  static String numberCookies(String s) {
    Map<String, String> ids = new HashMap<>();
    Matcher m = Pattern.compile(" ([0-9a-f]+)\n").matcher(s);
    var sb = new StringBuilder();
    while (m.find()) {
      String c = m.group(1);
      String id = c.equals("0") ? "0" : ids.computeIfAbsent(c, k -> "c" + (ids.size() + 1));
      m.appendReplacement(sb, " " + id + "\n");
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @Test
  void timefmtWithStrftimeConversions() throws Exception {
    // day-granular conversions only, so both processes print the same text
    String out = monitor(args("-m", "-e", "create", "--timefmt", "%F|%a %A %b %B|%j %y %C %u %w %D|%%|%e",
        "--format", "%T -> %f", "w"), d -> write(dir.resolve("t"), ""));
    assertThat(out).endsWith(" -> t\n");
  }

  @Test
  void csvQuotesNamesWithCommasQuotesSpacesAndNewlines() throws Exception {
    String out = monitor(args("-m", "-c", "-e", "create", "-e", "close_write", "w"), d -> {
      write(dir.resolve("plain"), "");
      write(dir.resolve("a,b"), "");
      write(dir.resolve("say \"hi\""), "");
      write(dir.resolve(" lead"), "");
      write(dir.resolve("trail "), "");
      write(dir.resolve("line\nbreak"), "");
    });
    assertThat(out).contains("w/,CREATE,plain\n", "w/,\"CLOSE_WRITE,CLOSE\",plain\n", "w/,CREATE,\"a,b\"\n",
        "w/,CREATE,\"say \"\"hi\"\"\"\n", "w/,CREATE,\" lead\"\n", "w/,CREATE,\"trail \"\n",
        "w/,CREATE,\"line\nbreak\"\n");
  }

  @Test
  void csvOnAWatchedFile() throws Exception {
    Path f = dir.resolve("file, with comma");
    write(f, "x");
    String out = monitor(args("-m", "-c", "-e", "modify", "-e", "attrib", "w/file, with comma"), d -> {
      append(f, "y");
      Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(0));
    });
    assertThat(out).contains("\"w/file, with comma\",MODIFY,\n", "\"w/file, with comma\",ATTRIB,\n");
  }

  @Test
  void rawBytesOfNamesThatAreNotUtf8() throws Exception {
    // a Latin-1 'é' (0xE9) is not valid UTF-8: both must print the byte as it is
    String out = monitor(args("-m", "-e", "create", "--format", "%w%f", "w"), d ->
        new ProcessBuilder("sh", "-c", "touch \"$(printf 'w/caf\\351')\"").directory(tmp.toFile()).start().waitFor());
    assertThat(out.getBytes(StandardCharsets.ISO_8859_1)).endsWith(new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
  }

  // ---- filters ----

  @Test
  void eventFilters() throws Exception {
    String out = monitor(args("-m", "-e", "create", "-e", "delete,moved_to", "w"), d -> {
      write(dir.resolve("f"), "data");
      Files.move(dir.resolve("f"), dir.resolve("g"));
      Files.delete(dir.resolve("g"));
    });
    assertThat(out).isEqualTo("w/ CREATE f\nw/ MOVED_TO g\nw/ DELETE g\n");
  }

  @Test
  void excludeRegexWithBracketClasses() throws Exception {
    String out = monitor(args("-m", "-e", "create", "--exclude", "[[:digit:]]{2}\\.tmp$", "w"), d -> {
      write(dir.resolve("a12.tmp"), "");
      write(dir.resolve("a1.tmp"), "");
      write(dir.resolve("keep"), "");
    });
    assertThat(out).isEqualTo("w/ CREATE a1.tmp\nw/ CREATE keep\n");
  }

  @Test
  void excludeiIgnoresCase() throws Exception {
    String out = monitor(args("-m", "-e", "create", "--excludei", "^w/skip", "w"), d -> {
      write(dir.resolve("SKIPme"), "");
      write(dir.resolve("kept"), "");
    });
    assertThat(out).isEqualTo("w/ CREATE kept\n");
  }

  @Test
  void includeRegexOnFiles() throws Exception {
    String out = monitor(args("-m", "-e", "create", "--include", "(^|/)[[:alpha:]]+\\.log$", "w"), d -> {
      write(dir.resolve("app.log"), "");
      write(dir.resolve("app1.log"), "");
      write(dir.resolve("app.txt"), "");
      write(dir.resolve("db.log"), "");
    });
    assertThat(out).isEqualTo("w/ CREATE app.log\nw/ CREATE db.log\n");
  }

  @Test
  void includeiIgnoresCase() throws Exception {
    String out = monitor(args("-m", "-e", "create", "--includei", "\\.JPE?G$", "w"), d -> {
      write(dir.resolve("a.jpg"), "");
      write(dir.resolve("b.png"), "");
      write(dir.resolve("c.JPEG"), "");
    });
    assertThat(out).isEqualTo("w/ CREATE a.jpg\nw/ CREATE c.JPEG\n");
  }

  // ---- recursion ----

  @Test
  void recursiveSeesNewDirectoriesAndTheirFiles() throws Exception {
    Files.createDirectories(dir.resolve("old/deep"));
    try (Differential d = Differential.inotifywait(tmp, logs, args("-m", "-r", "-e", "create", "w"))) {
      d.awaitStderr("Watches established.");
      Files.createDirectory(dir.resolve("new"));
      d.awaitSameStdout(UnaryOperator.identity());
      Files.createDirectory(dir.resolve("new/inner"));
      d.awaitSameStdout(UnaryOperator.identity());
      write(dir.resolve("new/inner/f"), "");
      write(dir.resolve("old/deep/g"), "");
      String out = d.awaitSameStdout(UnaryOperator.identity());
      assertThat(out).isEqualTo("w/ CREATE,ISDIR new\nw/new/ CREATE,ISDIR inner\nw/new/inner/ CREATE f\n"
          + "w/old/deep/ CREATE g\n");
      // 4.25.9 names each new directory it starts watching on stderr; 3.22 does not.
      assertThat(d.ours.stderr()).isEqualTo(d.ref.stderr()
          + "Watching new directory w/new/\nWatching new directory w/new/inner/\n");
    }
  }

  @Test
  void recursiveFollowsMovedDirectories() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    String out = monitor(args("-m", "-r", "-e", "create", "-e", "move", "w"), d -> {
      Files.move(dir.resolve("a"), dir.resolve("z"));
      d.awaitSameStdout(UnaryOperator.identity());
      write(dir.resolve("z/b/f"), "");
      d.awaitSameStdout(UnaryOperator.identity());
      Files.move(dir.resolve("z/b"), dir.resolve("b2"));
      d.awaitSameStdout(UnaryOperator.identity());
      write(dir.resolve("b2/g"), "");
    });
    assertThat(out).isEqualTo("w/ MOVED_FROM,ISDIR a\nw/ MOVED_TO,ISDIR z\nw/z/b/ CREATE f\n"
        + "w/z/ MOVED_FROM,ISDIR b\nw/ MOVED_TO,ISDIR b2\nw/b2/ CREATE g\n");
  }

  @Test
  void recursiveDeletedDirectories() throws Exception {
    Files.createDirectories(dir.resolve("gone/inner"));
    write(dir.resolve("gone/inner/f"), "x");
    String out = monitor(args("-m", "-r", "-e", "delete", "-e", "delete_self", "w"), d ->
        new ProcessBuilder("rm", "-r", "w/gone").directory(tmp.toFile()).start().waitFor());
    assertThat(out).isEqualTo("w/gone/inner/ DELETE f\nw/gone/inner/ DELETE_SELF \nw/gone/ DELETE,ISDIR inner\n"
        + "w/gone/ DELETE_SELF \nw/ DELETE,ISDIR gone\n");
  }

  /**
   * With every event asked for, neither tool shows its own setup listing of the tree, and a new
   * directory shows only the listing inotifywait makes of it (OPEN, one ACCESS, CLOSE_NOWRITE on the
   * parent), none on the new directory's own watch. The tools run one after the other here: run at
   * once, each would see the other's listing.
   */
  @Test
  void recursiveAllEventsShowNoListingOfTheToolsOwn() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.createDirectories(dir.resolve("c"));
    String expected = "w/ CREATE,ISDIR new\nw/ OPEN,ISDIR new\nw/ ACCESS,ISDIR new\n"
        + "w/ CLOSE_NOWRITE,CLOSE,ISDIR new\n"
        + "w/a/b/ CREATE f\nw/a/b/ OPEN f\nw/a/b/ MODIFY f\nw/a/b/ CLOSE_WRITE,CLOSE f\n";
    String[] stderr = new String[2];
    int i = 0;
    for (List<String> cmd : List.of(ToolRun.reference("inotifywait", args("-m", "-r", "w")),
        ToolRun.ours("events", args("-m", "-r", "w")))) {
      Path runLogs = Files.createDirectories(logs.resolve("run" + i));
      try (ToolRun run = ToolRun.start(i == 0 ? "ref" : "ours", cmd, tmp, runLogs, null, Map.of())) {
        Differential.awaitStderr(run, "Watches established.");
        Files.createDirectory(dir.resolve("new"));
        Differential.awaitSame(UnaryOperator.identity(), () -> expected.substring(0, expected.indexOf("w/a/b/")),
            run::stdoutText);
        write(dir.resolve("a/b/f"), "x");
        Differential.awaitSame(UnaryOperator.identity(), () -> expected, run::stdoutText);
        stderr[i] = run.stderr();
      }
      Files.delete(dir.resolve("new"));
      Files.delete(dir.resolve("a/b/f"));
      i++;
    }
    // 4.25.9 names each new directory it starts watching on stderr; 3.22 does not.
    assertThat(stderr[1]).isEqualTo(stderr[0] + "Watching new directory w/new/\n");
  }

  @Test
  void atPathExcludesASubtree() throws Exception {
    Files.createDirectories(dir.resolve("skip/below"));
    Files.createDirectories(dir.resolve("keep"));
    String out = monitor(args("-m", "-r", "-e", "create", "w", "@w/skip"), d -> {
      write(dir.resolve("skip/a"), "");
      write(dir.resolve("skip/below/b"), "");
      write(dir.resolve("keep/c"), "");
    });
    assertThat(out).isEqualTo("w/keep/ CREATE c\n");
  }

  // ---- what is watched ----

  @Test
  void watchedFileReportsItsOwnEvents() throws Exception {
    Path f = dir.resolve("file");
    write(f, "x");
    String out = monitor(args("-m", "w/file"), d -> {
      append(f, "y");
      Files.delete(f);
    });
    assertThat(out).isEqualTo("w/file OPEN \nw/file MODIFY \nw/file CLOSE_WRITE,CLOSE \nw/file ATTRIB \n"
        + "w/file DELETE_SELF \n");
  }

  @Test
  void watchedDirectoryDeletedKeepsMonitorRunningSilently() throws Exception {
    try (Differential d = Differential.inotifywait(tmp, logs, args("-m", "w"))) {
      d.awaitStderr("Watches established.");
      Files.delete(dir);
      String out = d.awaitSameStdout(UnaryOperator.identity());
      assertThat(out).isEqualTo("w/ DELETE_SELF \n");
      assertThat(d.ref.alive()).isTrue();
      assertThat(d.ours.alive()).isTrue();
    }
  }

  @Test
  void aSymlinkToADirectoryIsPrintedWithoutASlashUnlessRecursive() throws Exception {
    Files.createDirectories(dir.resolve("keep/sub"));
    Files.createSymbolicLink(dir.resolve("lnk"), Path.of("keep"));
    String out = monitor(args("-m", "-e", "create", "w/lnk"), d -> write(dir.resolve("keep/b"), ""));
    assertThat(out).isEqualTo("w/lnk CREATE b\n");
    out = monitor(args("-m", "-r", "-e", "create", "w/lnk"), d -> write(dir.resolve("keep/sub/c"), ""));
    assertThat(out).isEqualTo("w/lnk/sub/ CREATE c\n");
  }

  @Test
  void dotIsPrintedAsDotSlash() throws Exception {
    try (Differential d = Differential.start("inotifywait", "events", dir, logs, args("-m", "-e", "create", "."),
        null, Map.of())) {
      d.awaitStderr("Watches established.");
      write(dir.resolve("f"), "");
      assertThat(d.awaitSameStdout(UnaryOperator.identity())).isEqualTo("./ CREATE f\n");
    }
  }

  // ---- exit codes ----

  @Test
  void firstEventExitsZero() throws Exception {
    Outcome o = once(args("-e", "create", "w"), d -> write(dir.resolve("f"), ""));
    assertThat(o).isEqualTo(new Outcome("w/ CREATE f\n", "Setting up watches.\nWatches established.\n", 0));
  }

  @Test
  void timeoutExitsTwo() throws Exception {
    Outcome o = once(args("-t", "1", "w"), d -> {});
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.out()).isEmpty();
  }

  @Test
  void unwantedEventExitsOne() throws Exception {
    // only "create" was asked for; deleting the watched dir yields IGNORED, which is not printed
    Outcome o = once(args("-e", "create", "w"), d -> Files.delete(dir));
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.out()).isEmpty();
  }

  @Test
  void deleteSelfOfWatchedDirExitsZeroWhenAskedFor() throws Exception {
    Outcome o = once(args("w"), d -> Files.delete(dir));
    assertThat(o).isEqualTo(new Outcome("w/ DELETE_SELF \n", "Setting up watches.\nWatches established.\n", 0));
  }

  // ---- quiet, outfile, daemon, fromfile ----

  @Test
  void quietPrintsOnlyEventsAndDoubleQuietNothing() throws Exception {
    try (Differential q = Differential.inotifywait(tmp, logs, args("-m", "-q", "-e", "create", "w"))) {
      q.awaitWatches(1);
      write(dir.resolve("f"), "");
      assertThat(q.awaitSameStdout(UnaryOperator.identity())).isEqualTo("w/ CREATE f\n");
      assertThat(q.ours.stderr()).isEmpty();
      assertThat(q.ref.stderr()).isEmpty();
    }
    Path logs2 = Files.createDirectories(tmp.resolve("logs2"));
    try (Differential qq = Differential.inotifywait(tmp, logs2, args("-qq", "-e", "create", "w"))) {
      qq.awaitWatches(1);
      write(dir.resolve("g"), "");
      assertThat(qq.ref.awaitExit(Differential.DEADLINE)).isZero();
      assertThat(qq.ours.awaitExit(Differential.DEADLINE)).isZero();
      assertThat(qq.ours.stdoutText() + qq.ours.stderr()).isEmpty();
      assertThat(qq.ref.stdoutText() + qq.ref.stderr()).isEmpty();
    }
  }

  @Test
  void outfileGetsTheEvents() throws Exception {
    Path refLog = tmp.resolve("ref.log");
    Path ourLog = tmp.resolve("our.log");
    try (Differential d = Differential.startPair(tmp, logs, args("-m", "-e", "create", "-o", refLog.toString(), "w"),
        args("-m", "-e", "create", "-o", ourLog.toString(), "w"))) {
      d.awaitStderr("Watches established.");
      write(dir.resolve("f"), "");
      String out = Differential.awaitSame(UnaryOperator.identity(), () -> read(refLog), () -> read(ourLog));
      assertThat(out).isEqualTo("w/ CREATE f\n");
      assertThat(d.ours.stdoutText()).isEmpty();
      assertThat(Files.getPosixFilePermissions(ourLog)).isEqualTo(Files.getPosixFilePermissions(refLog));
    }
  }

  static String read(Path p) throws java.io.IOException {
    return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
  }

  @Test
  void daemonLogsToTheOutfileInTheBackground() throws Exception {
    Path refLog = Files.createFile(tmp.resolve("ref-daemon.log"));
    Path ourLog = Files.createFile(tmp.resolve("our-daemon.log"));
    String watched = dir.toString();
    List<Long> daemons = new ArrayList<>();
    try (Differential d = Differential.startPair(tmp, logs,
        args("-d", "-t", "30", "-e", "create", "-o", refLog.toString(), watched),
        args("-d", "-t", "30", "-e", "create", "-o", ourLog.toString(), watched))) {
      // the parents return at once, as daemon(3) does
      assertThat(d.ref.awaitExit(Differential.DEADLINE)).as("inotifywait -d; stderr: %s", d.ref.stderr()).isZero();
      assertThat(d.ours.awaitExit(Differential.DEADLINE)).as("events -d; stderr: %s", d.ours.stderr()).isZero();
      assertThat(d.ref.stderr()).isEmpty();
      assertThat(d.ours.stderr()).isEmpty();
      long refPid = Daemons.await(refLog);
      daemons.add(refPid);
      long ourPid = Daemons.await(ourLog);
      daemons.add(ourPid);
      Differential.awaitWatches(refPid, 1);
      Differential.awaitWatches(ourPid, 1);
      write(dir.resolve("f"), "");
      String out = Differential.awaitSame(UnaryOperator.identity(), () -> read(refLog), () -> read(ourLog));
      assertThat(out).isEqualTo(watched + "/ CREATE f\n");
    } finally {
      for (long pid : daemons) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
  }

  @Test
  void fromfileListsPathsAndExcludes() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    Path list = tmp.resolve("list");
    Files.writeString(list, "w/a\n@w/b\nw/b\n");
    String out = monitor(args("-m", "-e", "create", "--fromfile", list.toString()), d -> {
      write(dir.resolve("a/x"), "");
      write(dir.resolve("b/y"), "");
    });
    // "@w/b" only prunes below recursive roots; listed itself, w/b is watched
    assertThat(out).isEqualTo("w/a/ CREATE x\nw/b/ CREATE y\n");
  }

  @Test
  void fromfileOnStdin() throws Exception {
    Path list = tmp.resolve("stdin-list");
    Files.writeString(list, "w\n");
    try (Differential d = Differential.start("inotifywait", "events", tmp, logs,
        args("-m", "-e", "create", "--fromfile", "-"), list, Map.of())) {
      d.awaitStderr("Watches established.");
      write(dir.resolve("f"), "");
      assertThat(d.awaitSameStdout(UnaryOperator.identity())).isEqualTo("w/ CREATE f\n");
    }
  }

  // ---- bad input ----

  @Test
  void nonexistentPath() throws Exception {
    Outcome o = compareExit(args("-m", "w/nope"));
    assertThat(o).isEqualTo(new Outcome("", "Setting up watches.\nCouldn't watch w/nope: No such file or directory\n", 1));
  }

  Outcome compareExit(List<String> args) throws Exception {
    try (Differential d = Differential.inotifywait(tmp, logs, args)) {
      int refCode = d.ref.awaitExit(Differential.DEADLINE);
      int ourCode = d.ours.awaitExit(Differential.DEADLINE);
      var ref = new Outcome(d.ref.stdoutText(), d.ref.stderr(), refCode);
      var ours = new Outcome(d.ours.stdoutText(), d.ours.stderr(), ourCode);
      assertThat(ours).isEqualTo(ref);
      return ours;
    }
  }
}
