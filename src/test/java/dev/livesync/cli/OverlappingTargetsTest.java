package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.transport.Overlap;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two targets that lead to one directory, or one inside the other, for every kind of target: each
 * pair through {@code run}'s arguments (two targets of one sync), a config with one sync of two
 * targets and a config with two syncs — refused in the same words (exit 2 and 78), or accepted by
 * all three. Daemon targets are compared by where they lead (names resolved, port, module, path),
 * ssh targets by host, ssh port and path. A real rsync daemon on loopback shows that a refused
 * pair writes nothing.
 */
class OverlappingTargetsTest {
  @TempDir static Path tmp;
  static RsyncDaemon daemon;
  /** The reason that ends the message: nested targets have an outer one, two naming one directory do not. */
  static String why(String words) {
    return words.startsWith("is the same directory") ? dev.livesync.transport.Overlap.SAME : dev.livesync.transport.Overlap.NESTED;
  }

  @BeforeAll
  static void startDaemon() throws Exception {
    daemon = RsyncDaemon.start(Files.createDirectories(tmp.resolve("module")));
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) daemon.close();
  }

  /**
   * Targets {@code first} and {@code second} (PORT: the daemon's), each with its ssh port (0:
   * ssh's default); {@code words} after "target SECOND: ", with FIRST for how the other one is
   * named; null when the pair is accepted. {@code cli}: whether the command line can say it (one
   * --ssh-port for all its targets).
   */
  record Row(String first, String second, int sshPort1, int sshPort2, String words, boolean cli) {
    Row(String first, String second, String words) {
      this(first, second, 0, 0, words, true);
    }

    String a() {
      return first.replace("PORT", Integer.toString(daemon.port()));
    }

    String b() {
      return second.replace("PORT", Integer.toString(daemon.port()));
    }

    @Override
    public String toString() {
      return first + " / " + second + (sshPort1 + sshPort2 > 0 ? " (ssh ports " + sshPort1 + ", " + sshPort2 + ")" : "");
    }
  }

  static Stream<Row> rows() {
    String oneHost = " (localhost and 127.0.0.1 are one host)";
    return Stream.of(
        // rsync daemon: one host however it is written, one port, one module
        new Row("rsync://127.0.0.1:PORT/backup/a", "rsync://localhost:PORT/backup/a/inner", "is inside target FIRST" + oneHost),
        new Row("rsync://localhost:PORT/backup/a/inner", "rsync://127.0.0.1:PORT/backup/a", "contains target FIRST (127.0.0.1 and localhost are one host)"),
        new Row("rsync://127.0.0.1:PORT/backup/a/", "rsync://localhost:PORT/backup/a", "is the same directory as target FIRST" + oneHost),
        new Row("rsync://127.0.0.1:PORT/backup", "rsync://127.0.0.1:PORT/backup/x/y", "is inside target FIRST"),
        new Row("rsync://backup@[::1]:PORT/backup/a", "rsync://127.0.0.1:PORT/backup/a/b", "is inside target FIRST (127.0.0.1 and ::1 are one host)"),
        new Row("192.0.2.7::mod/a", "rsync://192.0.2.7/mod/a/b", "is inside target FIRST"),
        new Row("rsync://192.0.2.7/mod/a", "rsync://192.0.2.8/mod/a", null),
        new Row("rsync://127.0.0.1:PORT/backup/a", "rsync://localhost:PORT/backup/ab", null),
        new Row("rsync://127.0.0.1:PORT/backup/a", "rsync://localhost:PORT/other/a", null),
        new Row("rsync://127.0.0.1:PORT/backup/a", "rsync://localhost:874/backup/a", null),
        // ssh to another host: host, ssh port, path (a relative one in the login's home)
        new Row("backup@192.0.2.7:/srv/copy", "backup@192.0.2.7:/srv/copy/./inner/", "is inside target FIRST"),
        new Row("backup@192.0.2.7:/srv/copy", "other@192.0.2.7:/srv", "contains target FIRST"),
        new Row("backup@192.0.2.7:copy", "backup@192.0.2.7:~/copy/", "is the same directory as target FIRST"),
        new Row("backup@192.0.2.7:copy", "other@192.0.2.7:copy", null),
        new Row("backup@192.0.2.7:/srv/copy", "backup@192.0.2.8:/srv/copy", null),
        new Row("backup@192.0.2.7:/srv/copy", "backup@192.0.2.7:/srv/copy2", null),
        new Row("backup@192.0.2.7:/srv/copy", "backup@192.0.2.7:/srv/copy", 22, 0, "is the same directory as target FIRST", false),
        new Row("backup@192.0.2.7:/srv/copy", "backup@192.0.2.7:/srv/copy", 2222, 0, null, false));
  }

  Path source() throws Exception {
    return Files.createDirectories(tmp.resolve("src"));
  }

  static int execute(StringWriter err, String... args) {
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    return cl.execute(args);
  }

  List<String> common() {
    return List.of("--state-dir", tmp.resolve("state").toString(), "--status-socket", tmp.resolve("status.sock").toString());
  }

  @ParameterizedTest
  @MethodSource("rows")
  void theCommandLineRefusesOverlappingTargetsOfEveryKind(Row row) throws Exception {
    if (!row.cli()) return;
    List<String> args = new ArrayList<>(List.of("run", "--check", source().toString(), row.a(), row.b()));
    args.addAll(common());
    if (row.sshPort1() != 0) args.addAll(List.of("--ssh-port", Integer.toString(row.sshPort1())));
    StringWriter err = new StringWriter();
    int code = execute(err, args.toArray(String[]::new));
    if (row.words() == null) {
      assertThat(code).as(err.toString()).isZero();
      return;
    }
    assertThat(err.toString().lines().toList()).as("one line and the hint").hasSize(2).endsWith("See 'livesync run --help'.");
    assertThat(err.toString().lines().findFirst().orElse(""))
        .isEqualTo("livesync run: target " + shown(row.b()) + ": " + row.words().replace("FIRST", shown(row.a())) + why(row.words()));
    assertThat(code).isEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("rows")
  void aConfigRefusesThemInOneSyncAndAcrossSyncs(Row row) throws Exception {
    String oneSync = "[[sync]]\nname = \"one\"\nsource = \"" + source() + "\"\n" + target(row.a(), row.sshPort1()) + target(row.b(), row.sshPort2());
    check(row, oneSync, "sync[0].target[1].url", "");
    Path other = Files.createDirectories(tmp.resolve("src2"));
    String twoSyncs = "[[sync]]\nname = \"one\"\nsource = \"" + source() + "\"\n" + target(row.a(), row.sshPort1())
        + "[[sync]]\nname = \"two\"\nsource = \"" + other + "\"\n" + target(row.b(), row.sshPort2());
    check(row, twoSyncs, "sync[1].target[0].url", " of sync one");
  }

  /** A target as livesync shows it (a daemon's default port and a trailing '/' left out). */
  static String shown(String target) {
    return dev.livesync.transport.Target.parse(target).describe();
  }

  static String target(String url, int sshPort) {
    return "  [[sync.target]]\n  url = \"" + url + "\"\n" + (sshPort == 0 ? "" : "  ssh_port = " + sshPort + "\n");
  }

  void check(Row row, String config, String where, String ofSync) throws Exception {
    Path file = Files.writeString(tmp.resolve("livesync.toml"), config);
    List<String> args = new ArrayList<>(List.of("run", "--check", "--config", file.toString()));
    args.addAll(common());
    StringWriter err = new StringWriter();
    int code = execute(err, args.toArray(String[]::new));
    if (row.words() == null) {
      assertThat(code).as(config + "\n" + err).isZero();
      return;
    }
    assertThat(err.toString().lines().toList()).as("one line").hasSize(1);
    String shown = row.words().replace("FIRST", shown(row.a()) + ofSync);
    assertThat(err.toString().lines().findFirst().orElse(""))
        .matches("livesync run: " + Pattern.quote(file.toString()) + ":\\d+:\\d+: " + Pattern.quote(where + ": " + shown + why(row.words())));
    assertThat(code).isEqualTo(78);
  }

  @Test
  void twoDaemonTargetsNamingOneDirectoryAreRefusedAndNothingIsSent() throws Exception {
    Path src = source();
    Files.writeString(src.resolve("a.txt"), "a");
    String outer = "rsync://127.0.0.1:" + daemon.port() + "/backup/a";
    String inner = "rsync://localhost:" + daemon.port() + "/backup/a/inner";
    List<String> args = new ArrayList<>(List.of("run", src.toString(), outer, inner, "--delay", "50ms"));
    args.addAll(common());
    try (var p = LivesyncProcess.start(args, Map.of())) {
      assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.output()).isEqualTo(2);
      assertThat(p.output()).contains("livesync run: target " + inner + ": is inside target " + outer);
    }
    try (var listing = Files.list(daemon.dataDir())) {
      assertThat(listing.toList()).as("the module").isEmpty();
    }
    // doctor says it too (the same check), and probes only the target that does not overlap
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("doctor", "--state-dir", tmp.resolve("state").toString(), src.toString(), outer, inner);
    assertThat(out.toString()).as(err.toString()).contains("FAIL  target " + inner + ": is inside target " + outer);
    assertThat(code).isEqualTo(1);
  }
  /**
   * A daemon of this host is found by its port (the rsync process listening there, its config, the
   * module's path): a module inside the source, or around it, is the source copied into itself, as
   * a local directory there would be. A module elsewhere is accepted.
   */
  @Test
  void aDaemonOfThisHostWhoseModuleIsInsideTheSourceIsRefused() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src-daemon"));
    Path keep = Files.createDirectories(src.resolve("keep"));
    Files.writeString(keep.resolve("k1"), "precious");
    try (var inside = RsyncDaemon.start(keep)) {
      String url = "rsync://127.0.0.1:" + inside.port() + "/backup";
      List<String> args = new ArrayList<>(List.of("run", "--check", src.toString(), url));
      args.addAll(common());
      StringWriter err = new StringWriter();
      int code = execute(err, args.toArray(String[]::new));
      assertThat(err.toString().lines().findFirst().orElse("")).startsWith("livesync run: target " + url + ": is inside the source " + src
          + " (it is " + keep.toRealPath() + ", as the rsync daemon of this host listening there (pid ");
      assertThat(code).isEqualTo(2);
      // a path in the module above the source: the target contains it
      Path around = Files.createDirectories(keep.resolve("x"));
      String above = "rsync://localhost:" + inside.port() + "/backup";
      args = new ArrayList<>(List.of("run", "--check", around.toString(), above));
      args.addAll(common());
      err = new StringWriter();
      assertThat(execute(err, args.toArray(String[]::new))).isEqualTo(2);
      assertThat(err.toString()).contains(": contains the source " + around);
    }
    List<String> args = new ArrayList<>(List.of("run", "--check", src.toString(), "rsync://127.0.0.1:" + daemon.port() + "/backup"));
    args.addAll(common());
    StringWriter err = new StringWriter();
    assertThat(execute(err, args.toArray(String[]::new))).as(err.toString()).isZero();
  }

  /**
   * A local target inside the module of a daemon of this host that another target of the config
   * writes to (or around it): the daemon target's full sync deleted the local target's whole tree.
   * Found by the daemon's module path, as for a source; refused by run (2), the config (78, in one
   * sync and across two) and doctor, and nothing is written.
   */
  @Test
  void aLocalTargetInsideTheModuleOfADaemonOfThisHostIsRefusedBesideIt() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src-bk"));
    Files.writeString(src.resolve("a.txt"), "a");
    Path bk = Files.createDirectories(tmp.resolve("bk"));
    Path local = Files.createDirectories(bk.resolve("x"));
    Files.writeString(local.resolve("kept"), "precious");
    try (var d = RsyncDaemon.start(bk)) {
      String url = "rsync://127.0.0.1:" + d.port() + "/backup";
      String via = " (" + url + " writes into " + bk.toRealPath() + ", as the rsync daemon of this host listening there (pid ";
      // on the command line, either order; the later target is the one named
      List<String> args = new ArrayList<>(List.of("run", src.toString(), url, local.toString(), "--delay", "50ms"));
      args.addAll(common());
      try (var p = LivesyncProcess.start(args, Map.of())) {
        assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.output()).isEqualTo(2);
        assertThat(p.output()).contains("livesync run: target " + local + ": is inside target " + url + via)
            .contains(Overlap.NESTED);
      }
      args = new ArrayList<>(List.of("run", "--check", src.toString(), local.toString(), url));
      args.addAll(common());
      StringWriter err = new StringWriter();
      assertThat(execute(err, args.toArray(String[]::new))).as(err.toString()).isEqualTo(2);
      assertThat(err.toString().lines().findFirst().orElse("")).startsWith("livesync run: target " + url + ": contains target " + local + via);
      // the config: one sync of both, and two syncs
      String oneSync = "[[sync]]\nname = \"one\"\nsource = \"" + src + "\"\n" + target(url, 0) + target(local.toString(), 0);
      Path file = Files.writeString(tmp.resolve("bk.toml"), oneSync);
      err = new StringWriter();
      args = new ArrayList<>(List.of("run", "--check", "--config", file.toString()));
      args.addAll(common());
      assertThat(execute(err, args.toArray(String[]::new))).as(err.toString()).isEqualTo(78);
      assertThat(err.toString()).containsPattern(Pattern.quote(file + ":") + "\\d+:\\d+: "
          + Pattern.quote("sync[0].target[1].url: is inside target " + url + via));
      Path other = Files.createDirectories(tmp.resolve("src-bk2"));
      Files.writeString(file, "[[sync]]\nname = \"one\"\nsource = \"" + src + "\"\n" + target(url, 0)
          + "[[sync]]\nname = \"two\"\nsource = \"" + other + "\"\n" + target(local.resolve("deeper").toString(), 0));
      err = new StringWriter();
      assertThat(execute(err, args.toArray(String[]::new))).as(err.toString()).isEqualTo(78);
      assertThat(err.toString()).contains("sync[1].target[0].url: is inside target " + url + " of sync one" + via);
      // doctor says it too
      StringWriter out = new StringWriter();
      err = new StringWriter();
      var cl = Main.commandLine();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      int code = cl.execute("doctor", "--state-dir", tmp.resolve("state").toString(), src.toString(), url, local.toString());
      assertThat(out.toString()).as(err.toString()).contains("FAIL  target " + local + ": is inside target " + url + via);
      assertThat(code).isEqualTo(1);
      // a local target beside the module is fine
      args = new ArrayList<>(List.of("run", "--check", src.toString(), url, tmp.resolve("bk-beside").toString()));
      args.addAll(common());
      err = new StringWriter();
      assertThat(execute(err, args.toArray(String[]::new))).as(err.toString()).isZero();
    }
    assertThat(local.resolve("kept")).hasContent("precious");
    assertThat(bk.resolve("a.txt")).doesNotExist();
  }

  /**
   * Two syncs that copy into each other's sources (a: x to y, b: y to x): each change would go round
   * between them without end, each one's deletions undoing the other's writes. Refused in the config
   * (78), said of the target that leads back. A chain (a: x to y, b: y to z) ends, but a's deletions
   * remove b's files: refused too, said of a's target; syncs apart (a: x to y, b: w to z) are accepted.
   */
  @Test
  void syncsThatCopyIntoEachOthersSourcesAreRefused() throws Exception {
    Path x = Files.createDirectories(tmp.resolve("round-x")), y = Files.createDirectories(tmp.resolve("round-y"));
    Path z = tmp.resolve("round-z");
    String round = "[[sync]]\nname = \"a\"\nsource = \"" + x + "\"\n" + target(y.toString(), 0)
        + "[[sync]]\nname = \"b\"\nsource = \"" + y + "\"\n" + target(x.resolve("inner").toString(), 0);
    Path file = Files.writeString(tmp.resolve("round.toml"), round);
    List<String> args = new ArrayList<>(List.of("run", "--check", "--config", file.toString()));
    args.addAll(common());
    StringWriter err = new StringWriter();
    int code = execute(err, args.toArray(String[]::new));
    assertThat(err.toString().lines().toList()).as("one line").hasSize(1);
    assertThat(err.toString().lines().findFirst().orElse("")).matches("livesync run: " + Pattern.quote(file.toString()) + ":\\d+:\\d+: "
        + Pattern.quote("sync[1].target[0].url: leads into the source of sync a (" + x
            + "), whose targets lead back into this sync's source " + y + ": each change would go round between the syncs without end") + ".*");
    assertThat(code).isEqualTo(78);
    String chain = "[[sync]]\nname = \"a\"\nsource = \"" + x + "\"\n" + target(y.toString(), 0)
        + "[[sync]]\nname = \"b\"\nsource = \"" + y + "\"\n" + target(z.toString(), 0);
    Files.writeString(file, chain);
    err = new StringWriter();
    assertThat(execute(err, args.toArray(String[]::new))).as(err.toString()).isEqualTo(78);
    assertThat(err.toString().lines().toList()).as("one line").hasSize(1);
    assertThat(err.toString()).contains("sync[0].target[0].url: is the source of sync b (" + y + ") itself: this sync's deletions would"
        + " remove that sync's files wherever this sync's source has none; give each sync a target outside every sync's source");
    Path w = Files.createDirectories(tmp.resolve("round-w"));
    Files.writeString(file, "[[sync]]\nname = \"a\"\nsource = \"" + x + "\"\n" + target(y.toString(), 0)
        + "[[sync]]\nname = \"b\"\nsource = \"" + w + "\"\n" + target(z.toString(), 0));
    err = new StringWriter();
    assertThat(execute(err, args.toArray(String[]::new))).as(err.toString()).isZero();
  }

  /**
   * A sync whose source is inside another sync's target (a: x to t, b: t/inner to c): a's first full
   * sync deleted all of b's live source ("deleted 51 files on t"), and --check said "settings OK".
   * Refused, of a's target, in --check, run (nothing deleted) and doctor; so are a source that is the
   * other sync's target, and a target inside another sync's source (through a symlink too).
   */
  @Test
  void aSourceInsideAnotherSyncsTargetIsRefusedAndNothingIsDeleted() throws Exception {
    Path x = Files.createDirectories(tmp.resolve("other-x")), t = tmp.resolve("other-t"), c = tmp.resolve("other-c");
    Path inner = Files.createDirectories(t.resolve("inner"));
    for (int i = 0; i < 50; i++) Files.writeString(inner.resolve("f" + i), "live file " + i);
    Files.writeString(x.resolve("a.txt"), "a");
    Path file = tmp.resolve("other.toml");
    List<String> check = new ArrayList<>(List.of("run", "--check", "--config", file.toString()));
    check.addAll(common());
    String apart = "; give each sync a target outside every sync's source";
    // {a's target, b's source, the words after "sync[0].target[0].url: "}
    Files.createSymbolicLink(tmp.resolve("other-link"), t);
    List<String[]> cases = List.of(
        new String[] {t.toString(), inner.toString(), "contains the source of sync b (" + inner + "): this sync's deletions would remove that"
            + " sync's source and the files in it" + apart},
        new String[] {tmp.resolve("other-link").toString(), inner.toString(), "contains the source of sync b (" + inner + ") (it is " + t
            + "): this sync's deletions would remove that sync's source and the files in it" + apart},
        new String[] {inner.toString(), inner.toString(), "is the source of sync b (" + inner + ") itself: this sync's deletions would"
            + " remove that sync's files wherever this sync's source has none" + apart},
        new String[] {inner.resolve("sub").toString(), inner.toString(), "is inside the source of sync b (" + inner + "): this sync's"
            + " deletions would remove that sync's files there, and that sync would replicate each of this one's writes" + apart});
    for (String[] k : cases) {
      Files.writeString(file, "[[sync]]\nname = \"a\"\nsource = \"" + x + "\"\n" + target(k[0], 0)
          + "[[sync]]\nname = \"b\"\nsource = \"" + k[1] + "\"\n" + target(c.toString(), 0));
      StringWriter err = new StringWriter();
      int code = execute(err, check.toArray(String[]::new));
      assertThat(err.toString().lines().toList()).as("one line: " + err).hasSize(1);
      assertThat(err.toString().lines().findFirst().orElse(""))
          .matches("livesync run: " + Pattern.quote(file.toString()) + ":\\d+:\\d+: " + Pattern.quote("sync[0].target[0].url: " + k[2]));
      assertThat(code).isEqualTo(78);
    }
    // run itself, and doctor: the tester's case
    Files.writeString(file, "[[sync]]\nname = \"a\"\nsource = \"" + x + "\"\n" + target(t.toString(), 0)
        + "[[sync]]\nname = \"b\"\nsource = \"" + inner + "\"\n" + target(c.toString(), 0));
    List<String> run = new ArrayList<>(List.of("run", "--config", file.toString()));
    run.addAll(common());
    try (var p = LivesyncProcess.start(run, Map.of())) {
      assertThat(p.awaitExit(Duration.ofSeconds(30))).as(p.output()).isEqualTo(78);
      assertThat(p.output()).contains("sync[0].target[0].url: contains the source of sync b (" + inner + ")").doesNotContain("deleted");
    }
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("doctor", "--config", file.toString(), "--state-dir", tmp.resolve("state").toString());
    assertThat(out.toString()).as(err.toString()).contains("FAIL  target " + t + " of sync a: contains the source of sync b (" + inner + ")");
    assertThat(code).isEqualTo(1);
    try (var left = Files.list(inner)) {
      assertThat(left.count()).as("b's source").isEqualTo(50);
    }
    assertThat(t.resolve("a.txt")).doesNotExist();
    assertThat(c).doesNotExist();
  }
}
