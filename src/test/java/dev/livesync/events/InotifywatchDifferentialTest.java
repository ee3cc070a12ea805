package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.fs.KernelLimits;
import dev.livesync.testing.ProcSysLowered;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same file operations counted at once by Debian's inotifywatch (3.22) and by
 * {@code livesync stats}; the final table (stdout), stderr and exit codes compared. Each run ends by
 * itself through -t, which starts counting once the watches are established; the operations run
 * after both said so. Where 3.22 and 4.25.9 differ, the 4.25.9 behaviour is asserted with a comment.
 */
class InotifywatchDifferentialTest {
  private static final String READY = "Finished establishing watches, now collecting statistics.";
  /** Seconds each run listens: ample for a few file operations after both tools are ready. */
  private static final String LISTEN = "4";

  @RegisterExtension final Workspace work = new Workspace("inotifywatch-diff");
  final Path tmp = work.dir();
  final Path dir = work.mkdirs("w");
  final Path logs = work.mkdirs("logs");

  interface Ops {
    void run() throws Exception;
  }

  record Outcome(String out, String err, int code) {}

  private static List<String> args(String... a) {
    List<String> l = new ArrayList<>(List.of("-t", LISTEN));
    l.addAll(List.of(a));
    return l;
  }

  /** Both tools watch at once; after both are ready the operations run; both must end alike. */
  private Outcome stats(List<String> args, Ops ops) throws Exception {
    try (Differential d = Differential.inotifywatchOursFirst(tmp, logs, args, READY)) {
      d.awaitStderr(READY);
      ops.run();
      int refCode = d.ref.awaitExit(Differential.DEADLINE);
      int ourCode = d.ours.awaitExit(Differential.DEADLINE);
      var ref = new Outcome(d.ref.stdoutText(), d.ref.stderr(), refCode);
      var ours = new Outcome(d.ours.stdoutText(), d.ours.stderr(), ourCode);
      assertThat(ours).isEqualTo(ref);
      return ours;
    }
  }

  private static void write(Path p, String s) throws Exception {
    Files.writeString(p, s);
  }

  private static String header(String... columns) {
    return String.join("  ", columns);
  }

  @Test
  void defaultTableCountsEveryEventPerWatch() throws Exception {
    Outcome o = stats(args("w"), () -> {
      write(dir.resolve("a"), "one");
      Files.move(dir.resolve("a"), dir.resolve("b"));
      Files.readAllBytes(dir.resolve("b"));
      Files.delete(dir.resolve("b"));
    });
    assertThat(o.code()).isZero();
    assertThat(o.out()).startsWith("total  access  modify  close_write  close_nowrite  open  moved_from  moved_to  "
        + "create  delete  filename\n");
    assertThat(o.out()).endsWith("  w/\n");
    assertThat(o.err()).isEqualTo("Establishing watches...\n" + READY + "\n");
  }

  @Test
  void zeroShowsEveryColumnAndEmptyRows() throws Exception {
    Files.createDirectories(dir.resolve("quiet"));
    Outcome o = stats(args("-z", "-r", "-e", "create", "-e", "delete", "w"), () -> write(dir.resolve("f"), ""));
    assertThat(o.out()).contains("w/quiet/\n");
    assertThat(o.out().lines().findFirst().orElseThrow()).contains("create", "delete");
  }

  /** Three directories with 3, 1 and 2 files made: the sort options order them by those counts. */
  private void threeDirsWithDifferentCounts() throws Exception {
    for (int i = 0; i < 3; i++) write(dir.resolve("x/f" + i), "");
    write(dir.resolve("y/f"), "");
    for (int i = 0; i < 2; i++) write(dir.resolve("z/f" + i), "");
  }

  private void makeXyz() throws Exception {
    for (String d : List.of("x", "y", "z")) Files.createDirectories(dir.resolve(d));
  }

  @Test
  void descendingByAnEvent() throws Exception {
    makeXyz();
    Outcome o = stats(args("-r", "-e", "create", "-d", "create", "w"), this::threeDirsWithDifferentCounts);
    assertThat(o.out().lines().skip(1).map(l -> l.substring(l.lastIndexOf(' ') + 1)))
        .containsExactly("w/x/", "w/z/", "w/y/");
  }

  @Test
  void ascendingByAnEvent() throws Exception {
    makeXyz();
    Outcome o = stats(args("-r", "-e", "create", "-a", "create", "w"), this::threeDirsWithDifferentCounts);
    assertThat(o.out().lines().skip(1).map(l -> l.substring(l.lastIndexOf(' ') + 1)))
        .containsExactly("w/y/", "w/z/", "w/x/");
  }

  @Test
  void ascendingByTotalWithTies() throws Exception {
    makeXyz();
    Files.createDirectories(dir.resolve("x2"));
    Outcome o = stats(args("-r", "-e", "create", "-e", "close_write", "-a", "total", "w"), () -> {
      write(dir.resolve("x/a"), "");
      write(dir.resolve("x2/a"), "");
      write(dir.resolve("y/a"), "");
      write(dir.resolve("y/b"), "");
    });
    assertThat(o.out().lines().count()).isEqualTo(4);
  }

  @Test
  void eventFilters() throws Exception {
    write(dir.resolve("keep"), "");
    Outcome o = stats(args("-e", "close_write", "-e", "moved_to", "w"), () -> {
      write(dir.resolve("a"), "x");
      Files.move(dir.resolve("a"), dir.resolve("b"));
      Files.readAllBytes(dir.resolve("keep"));
    });
    assertThat(o.out()).isEqualTo("total  close_write  moved_to  filename\n2      1            1         w/\n");
  }

  @Test
  void recursiveCountsNewDirectories() throws Exception {
    Files.createDirectories(dir.resolve("old"));
    Outcome o = stats(args("-r", "-e", "create", "-e", "delete", "w"), () -> {
      Files.createDirectories(dir.resolve("new"));
      // the new directory is watched once its CREATE is read; wait for that via the reference's table
      // is impossible, so the file goes into the old directory and the new one is only counted
      write(dir.resolve("old/f"), "");
      Files.delete(dir.resolve("old/f"));
    });
    assertThat(o.out()).contains("w/old/", "w/\n");
  }

  @Test
  void noEventsBeforeTheTimeout() throws Exception {
    Outcome o = stats(List.of("-t", "1", "w"), () -> {});
    assertThat(o).isEqualTo(new Outcome("", "Establishing watches...\n" + READY + "\nNo events occurred.\n", 0));
  }

  /**
   * A shell starts a background job with SIGINT ignored, and the JVM leaves a signal ignored at start
   * alone: an INT must still end the count with the table, as it ends the reference's.
   */
  @Test
  void interruptEndsTheCountOfAToolStartedWithInterruptIgnored() throws Exception {
    List<String> args = List.of("w");
    try (ToolRun r = ToolRun.start("ref", ignoringInterrupt(ToolRun.reference("inotifywatch", args)), tmp, logs, null, Map.of());
        ToolRun o = ToolRun.start("ours", ignoringInterrupt(ToolRun.ours("stats", args)), tmp, logs, null, Map.of())) {
      Differential.awaitStderr(r, READY);
      Differential.awaitStderr(o, READY);
      r.signal("INT");
      o.signal("INT");
      int refCode = r.awaitExit(Differential.DEADLINE);
      int ourCode = o.awaitExit(Differential.DEADLINE);
      assertThat(new Outcome(o.stdoutText(), o.stderr(), ourCode))
          .isEqualTo(new Outcome(r.stdoutText(), r.stderr(), refCode))
          .isEqualTo(new Outcome("", "Establishing watches...\n" + READY + "\nNo events occurred.\n", 0));
    }
  }

  /** {@code cmd} run by a shell that ignores SIGINT first, as one does for a job started with {@code &}. */
  private static List<String> ignoringInterrupt(List<String> cmd) {
    List<String> l = new ArrayList<>(List.of("sh", "-c", "trap '' INT; exec \"$@\"", "sh"));
    l.addAll(cmd);
    return l;
  }

  @Test
  void fromfileWithAnExclude() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    Path list = tmp.resolve("list");
    Files.writeString(list, "w\n@w/b\n");
    Outcome o = stats(args("-r", "-e", "create", "--fromfile", list.toString()), () -> {
      write(dir.resolve("a/x"), "");
      write(dir.resolve("b/y"), "");
      write(dir.resolve("z"), "");
    });
    assertThat(o.out()).doesNotContain("w/b/").contains("w/a/", "w/\n");
  }

  @Test
  void excludeRegex() throws Exception {
    Outcome o = stats(args("-e", "create", "--exclude", "\\.tmp$", "w"), () -> {
      write(dir.resolve("a.tmp"), "");
      write(dir.resolve("b.txt"), "");
    });
    assertThat(o.out()).isEqualTo("total  create  filename\n1      1       w/\n");
  }

  @Test
  void includeiRegexWithABracketClass() throws Exception {
    Outcome o = stats(args("-e", "create", "--includei", "[[:digit:]]\\.LOG$", "w"), () -> {
      write(dir.resolve("a1.log"), "");
      write(dir.resolve("b2.LOG"), "");
      write(dir.resolve("c.log"), "");
    });
    assertThat(o.out()).isEqualTo("total  create  filename\n2      2       w/\n");
  }

  @Test
  void verboseNamesTheWatchCount() throws Exception {
    Files.createDirectories(dir.resolve("s/t"));
    Outcome o = stats(args("-v", "-r", "-e", "create", "w"), () -> write(dir.resolve("s/t/f"), ""));
    assertThat(o.err()).contains("Total of 3 watches.\n");
  }

  // ---- bad input: same stderr and exit code from both ----

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("unknown long option", List.of("--bogus", "w")),
        Arguments.of("unknown short option", List.of("-y", "w")),
        Arguments.of("-e without its argument", List.of("w", "-e")),
        Arguments.of("unknown event name", List.of("-e", "nosuch", "w")),
        Arguments.of("unknown event in a list", List.of("-e", "create,bogus", "w")),
        Arguments.of("-a with an unknown event", List.of("-a", "nosuch", "w")),
        Arguments.of("-d without its argument", List.of("w", "-d")),
        Arguments.of("timeout not a number", List.of("-t", "soon", "w")),
        Arguments.of("bad exclude regex", List.of("--exclude", "(", "w")),
        Arguments.of("bad include regex", List.of("--includei", "[a", "w")),
        Arguments.of("no files", List.of("-r")),
        Arguments.of("nonexistent path", List.of("w/nope")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInputGivesTheSameErrorAndExitCode(String what, List<String> args) throws Exception {
    Outcome o = compareExit(args, Map.of());
    assertThat(o.code()).as(what).isNotZero();
    assertThat(o.err()).as(what).isNotEmpty();
  }

  /**
   * 3.22 goes on to "No files specified to watch!"; 4.25.9 returns from building the path list with
   * no list at all and then reads it (a crash); livesync stops after the message, with exit 1.
   */
  @Test
  void nonexistentFromfile() throws Exception {
    try (Differential d = Differential.inotifywatch(tmp, logs, List.of("--fromfile", "nolist"))) {
      assertThat(d.ref.awaitExit(Differential.DEADLINE)).isEqualTo(1);
      assertThat(d.ours.awaitExit(Differential.DEADLINE)).isEqualTo(1);
      String cannot = "Couldn't open nolist: No such file or directory\n";
      assertThat(d.ref.stderr()).isEqualTo(cannot + "No files specified to watch!\n");
      assertThat(d.ours.stderr()).isEqualTo(cannot);
    }
  }

  /** 3.22 takes a negative -t as "no timeout" and runs on; 4.25.9 aborts once the watches are set up. */
  @Test
  void negativeTimeoutAbortsAs425Does() throws Exception {
    try (Differential d = Differential.inotifywatch(tmp, logs, List.of("-t", "-3", "w"))) {
      assertThat(d.ours.awaitExit(Differential.DEADLINE)).isEqualTo(1);
      assertThat(d.ours.stderr()).isEqualTo("Establishing watches...\n" + READY + "\nNegative timeout specified - abort!\n");
      assertThat(d.ref.alive()).isTrue();
    }
  }

  private Outcome compareExit(List<String> args, Map<String, String> env) throws Exception {
    try (Differential d = Differential.start("inotifywatch", "stats", tmp, logs, args, null, env)) {
      int refCode = d.ref.awaitExit(Differential.DEADLINE);
      int ourCode = d.ours.awaitExit(Differential.DEADLINE);
      var ref = new Outcome(d.ref.stdoutText(), d.ref.stderr(), refCode);
      var ours = new Outcome(d.ours.stdoutText(), d.ours.stderr(), ourCode);
      assertThat(ours).isEqualTo(ref);
      return ours;
    }
  }

  /** Both tools as nobody on a directory nobody may not read. */
  @Test
  void unreadableDirectoryAsNobody() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run the tools as nobody");
    Path closed = Files.createDirectories(dir.resolve("closed"));
    Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(logs, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> ref = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    ref.addAll(ToolRun.reference("inotifywatch", List.of("w/closed")));
    List<String> ours = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    List<String> cmd = new ArrayList<>(ToolRun.ours("stats", List.of("w/closed")));
    cmd.set(cmd.indexOf("-cp") + 1, classpathNobodyCanRead());
    ours.addAll(cmd);
    try (ToolRun r = ToolRun.start("ref", ref, tmp, logs, null, Map.of());
        ToolRun o = ToolRun.start("ours", ours, tmp, logs, null, Map.of())) {
      int refCode = r.awaitExit(Differential.DEADLINE);
      int ourCode = o.awaitExit(Differential.DEADLINE);
      assertThat(new Outcome(o.stdoutText(), o.stderr(), ourCode))
          .isEqualTo(new Outcome(r.stdoutText(), r.stderr(), refCode));
      assertThat(ourCode).isEqualTo(1);
      assertThat(o.stderr()).contains("Failed to watch w/closed: Permission denied");
    }
  }

  /** The test classpath copied where nobody can read it (the Maven repository is root's alone). */
  private String classpathNobodyCanRead() throws Exception {
    Path cp = Files.createDirectories(tmp.resolve("cp"));
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path src = Path.of(e);
      if (!Files.exists(src)) continue;
      Path dst = cp.resolve(i++ + (Files.isDirectory(src) ? "" : ".jar"));
      new ProcessBuilder("cp", "-r", src.toString(), dst.toString()).inheritIO().start().waitFor();
      entries.add(dst.toString());
    }
    new ProcessBuilder("chmod", "-R", "a+rX", cp.toString()).inheritIO().start().waitFor();
    return String.join(java.io.File.pathSeparator, entries);
  }

  /**
   * The watch limit, lowered for real (as root, under the /proc/sys lock, restored in finally): both
   * tools name the limit and exit 1.
   */
  @Test
  void watchLimitReached() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to lower max_user_watches");
    for (int i = 0; i < 5; i++) Files.createDirectories(dir.resolve("d" + i));
    long saved;
    Outcome o;
    try (var low = ProcSysLowered.to(KernelLimits.MAX_USER_WATCHES, 1)) {
      saved = low.saved();
      o = compareExit(List.of("-r", "w"), Map.of());
    }
    assertThat(KernelLimits.maxUserWatches()).isEqualTo(saved);
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err()).contains("upper limit on inotify watches reached",
        "/proc/sys/fs/inotify/max_user_watches");
  }
}
