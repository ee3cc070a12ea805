package dev.livesync.cli;

import static dev.livesync.cli.CliRun.inProcess;
import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.Exit;
import dev.livesync.cli.CliRun.Result;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The documented exit codes ({@link Exit}, docs/operations.md) for the failures that exited 1
 * undocumented: each with one line saying what to do. "Already running" (75) is StateDirTest's.
 */
class ExitCodesTest {
  @RegisterExtension final Workspace ws = new Workspace("exit-test");
  final Path work = ws.dir();

  LivesyncProcess livesync(List<String> args) {
    return ws.livesync(args);
  }

  @Test
  void noCommandIsAUsageError() {
    Result r = inProcess();
    assertThat(r.code()).isEqualTo(Exit.USAGE);
    assertThat(r.err()).startsWith("livesync: give a command").contains("run ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void everyCommandsSummaryIsWholeInTheHelp() {
    Result r = inProcess("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("bench            Load test: N files/s of 10-100 KB into a watched source, per-file lag at the target.\n");
    // every command: its summary (the first line of its description) is a whole sentence, and the list shows all of it
    String list = flat(r.out());
    Main.commandLine().getSubcommands().forEach((name, sub) -> {
      String[] description = sub.getCommandSpec().usageMessage().description();
      if (name.equals("help")) return;
      assertThat(description[0]).as(name).endsWith(".");
      assertThat(list).as(name).contains(" " + name + " " + flat(description[0]) + " ");
    });
  }

  @Test
  void noHelpBreaksAWordAcrossLines() {
    // picocli wraps after a '.' inside a word (docs/config.md, ~/.local): every option's description reads whole
    List<String> broken = new ArrayList<>();
    Main.commandLine().getSubcommands().forEach((name, sub) -> {
      if (name.equals("help")) return;
      String help = flat(sub.getUsageMessage());
      for (var arg : sub.getCommandSpec().args()) {
        String text = flat(String.join(" ", arg.renderedDescription()));
        if (!arg.hidden() && !help.contains(text)) broken.add("livesync " + name + " --help: " + text);
      }
    });
    assertThat(broken).isEmpty();
  }

  private static String flat(String s) {
    return s.replaceAll("\\s+", " ");
  }

  @Test
  void aLogFileThatCannotBeWrittenIs73() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    var p = livesync(List.of("run", src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(),
        "--status-socket", work.resolve("s.sock").toString(), "--log-file", "/proc/no-such-dir/livesync.log"));
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isEqualTo(Exit.CANNOT_WRITE);
    assertThat(p.output()).contains("livesync run: cannot write the log file /proc/no-such-dir/livesync.log");
  }

  /**
   * A missing directory of --log-file is made (run, run --check, start alike); one that cannot be
   * made (a regular file in the way) is 73 with run's words, from start too (it said "cannot start
   * .../java: PATH" and exited 1).
   */
  @Test
  void aLogFileWhoseDirectoryCannotBeMadeIs73ForRunCheckAndStart() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Path file = Files.writeString(work.resolve("a-file"), "not a directory");
    List<String> common = List.of(src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(),
        "--status-socket", work.resolve("s.sock").toString());
    Path made = work.resolve("logs/new/livesync.log");
    var ok = livesync(concat(List.of("run", "--check"), common, List.of("--log-file", made.toString())));
    assertThat(ok.awaitExit(CONVERGE)).as(ok.output()).isZero();
    assertThat(made.getParent()).isDirectory();

    Path blocked = file.resolve("livesync.log");
    var check = livesync(concat(List.of("run", "--check"), common, List.of("--log-file", blocked.toString())));
    assertThat(check.awaitExit(CONVERGE)).as(check.output()).isEqualTo(Exit.CANNOT_WRITE);
    assertThat(check.output()).contains("livesync run: cannot write the log file " + blocked);
    var start = livesync(concat(List.of("start", "--log-file", blocked.toString()), common, List.of()));
    assertThat(start.awaitExit(CONVERGE)).as(start.output()).isEqualTo(Exit.CANNOT_WRITE);
    assertThat(start.output()).contains("livesync start: cannot write the log file " + blocked + ": check that its directory exists")
        .doesNotContain("cannot start");
    assertThat(work.resolve("s.sock")).doesNotExist();
  }

  /**
   * Without rsync a replicator would run and ship nothing, retrying for ever (start said "started"):
   * run, run --check and start refuse with 69, as the table says of a missing program.
   */
  @Test
  void noRsyncOnPathIs69ForRunCheckAndStart() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Path bin = Files.createDirectories(work.resolve("bin-without-rsync"));
    Map<String, String> env = Map.of("PATH", bin.toString());
    List<String> common = List.of(src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(),
        "--status-socket", work.resolve("s.sock").toString());
    // a replicator that start left running (in its own session) is stopped
    ws.closing(() -> inProcess("stop", "--status-socket", work.resolve("s.sock").toString(), "--timeout", "10s"));
    for (List<String> command : List.of(List.of("run"), List.of("run", "--check"), List.of("start", "--wait", "30s"))) {
      var p = LivesyncProcess.start(concat(command, common), env);
      ws.closing(p);
      assertThat(p.awaitExit(CONVERGE)).as(command + ":\n" + p.output()).isEqualTo(Exit.UNAVAILABLE);
      assertThat(p.output()).as(command.toString()).contains("cannot run rsync: 'rsync' is not on PATH (" + bin + "): install it");
    }
    assertThat(work.resolve("s.sock")).doesNotExist();
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) all.addAll(p);
    return all;
  }

  @Test
  void aStateDirThatCannotBeMadeIs73AndNamesIt() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Path file = Files.writeString(work.resolve("a-file"), "not a directory");
    var p = livesync(List.of("run", src.toString(), dst.toString(), "--name", "www", "--state-dir", file.resolve("state").toString(),
        "--status-socket", work.resolve("s.sock").toString()));
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isEqualTo(Exit.CANNOT_WRITE);
    assertThat(p.output()).contains("livesync run: cannot use the state dir " + file.resolve("state/www") + " of sync www");
    assertThat(Files.list(dst)).isEmpty();
  }

  /**
   * What run cannot write — a state dir below a file, one where no directory can be made (/proc), a
   * status socket's directory below a file — and a --http port another process holds: run --check
   * used to say OK. It fails now with run's own line and exit code; doctor FAILs the state dirs.
   */
  @Test
  void runCheckFindsWhatRunCouldNotWriteOrListenOnInRunsWords() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Path file = Files.writeString(work.resolve("a-file"), "not a directory");
    String okSocket = work.resolve("s.sock").toString();
    for (String stateDir : List.of(file.resolve("state").toString(), "/proc/livesync-no-such-dir")) {
      List<String> args = new ArrayList<>(List.of("run", src.toString(), dst.toString(), "--name", "www", "--state-dir", stateDir,
          "--status-socket", okSocket));
      var p = livesync(args);
      assertThat(p.awaitExit(CONVERGE)).as(p.output()).isEqualTo(Exit.CANNOT_WRITE);
      String line = p.output().lines().filter(l -> l.startsWith("livesync run: ")).findFirst().orElseThrow();
      assertThat(line).startsWith("livesync run: cannot use the state dir " + stateDir + "/www of sync www: ");
      args.add(1, "--check");
      Result check = inProcess(args.toArray(String[]::new));
      assertThat(check.code()).as(check.err()).isEqualTo(Exit.CANNOT_WRITE);
      assertThat(check.err()).isEqualTo(line + "\n");
      Result doctor = inProcess("doctor", src.toString(), dst.toString(), "--state-dir", stateDir);
      assertThat(doctor.code()).isEqualTo(Exit.FAILED);
      assertThat(doctor.out()).contains("FAIL  state dir " + stateDir + ": ");
    }
    assertThat(Path.of("/proc/livesync-no-such-dir")).doesNotExist();

    String socket = file.resolve("s.sock").toString();
    var p = livesync(List.of("run", src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(), "--status-socket", socket));
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isEqualTo(Exit.CANNOT_WRITE);
    String line = p.output().lines().filter(l -> l.startsWith("livesync run: ")).findFirst().orElseThrow();
    assertThat(line).startsWith("livesync run: cannot open the status socket " + socket + ": ");
    Result check = inProcess("run", "--check", src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(),
        "--status-socket", socket);
    assertThat(check.code()).as(check.err()).isEqualTo(Exit.CANNOT_WRITE);
    assertThat(check.err()).isEqualTo(line + "\n");

    // the port held by a livesync that answers on the same socket: "already running" (75), as run says first, not the port
    int port;
    try (var free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    List<String> same = List.of("run", src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(),
        "--status-socket", okSocket, "--http", "127.0.0.1:" + port);
    var first = livesync(same);
    first.awaitOutput("running:", CONVERGE);
    List<String> again = new ArrayList<>(same);
    again.add(1, "--check");
    Result twice = inProcess(again.toArray(String[]::new));
    assertThat(twice.code()).as(twice.err()).isEqualTo(Exit.ALREADY_RUNNING);
    assertThat(twice.err()).startsWith("livesync run: another livesync is already running (it answers on " + okSocket + ")");
    first.signal("TERM");
    assertThat(first.awaitExit(CONVERGE)).isZero();

    try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String listen = "127.0.0.1:" + busy.getLocalPort();
      List<String> args = new ArrayList<>(List.of("run", src.toString(), dst.toString(), "--state-dir", work.resolve("state").toString(),
          "--status-socket", okSocket, "--http", listen));
      var h = livesync(args);
      // a port another process holds: a bad value of who named it, as every other refusal of the address
      assertThat(h.awaitExit(CONVERGE)).as(h.output()).isEqualTo(Exit.USAGE);
      String said = h.output().lines().filter(l -> l.startsWith("livesync run: ")).findFirst().orElseThrow();
      assertThat(said).isEqualTo("livesync run: cannot listen on " + listen + " (--http): Address already in use (another process holds the port: "
          + "`ss -ltnp 'sport = :" + busy.getLocalPort() + "'` shows which)");
      args.add(1, "--check");
      Result c = inProcess(args.toArray(String[]::new));
      assertThat(c.code()).as(c.err()).isEqualTo(Exit.USAGE);
      assertThat(c.err()).isEqualTo(said + "\nSee 'livesync run --help'.\n"); // as every bad value of a flag
      // the config's [http] listen: at the key's place and exit 78, from run, run --check and doctor alike
      Path cfg = Files.writeString(work.resolve("http.toml"), "state_dir = \"" + work.resolve("state") + "\"\nstatus_socket = \"" + okSocket
          + "\"\n[http]\nlisten = \"" + listen + "\"\n[[sync]]\nsource = \"" + src + "\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n");
      String inConfig = "livesync run: " + cfg + ":4:1: http.listen: cannot listen on " + listen + ": Address already in use";
      var k = livesync(List.of("run", "--config", cfg.toString()));
      assertThat(k.awaitExit(CONVERGE)).as(k.output()).isEqualTo(Exit.CONFIG);
      said = k.output().lines().filter(l -> l.startsWith("livesync run: ")).findFirst().orElseThrow();
      assertThat(said).startsWith(inConfig);
      Result kc = inProcess("run", "--check", "--config", cfg.toString());
      assertThat(kc.code()).as(kc.err()).isEqualTo(Exit.CONFIG);
      assertThat(kc.err()).isEqualTo(said + "\n");
      Result d = inProcess("doctor", "--config", cfg.toString());
      assertThat(d.code()).isEqualTo(Exit.FAILED);
      assertThat(d.out()).contains("FAIL  [http] listen " + listen + ": " + said.substring("livesync run: ".length()) + "\n");
    }
  }
}
