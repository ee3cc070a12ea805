package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.ProcStat;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's scenarios that need the real {@code livesync run} process (child JVM): target down under
 * load (2), kill -9 mid-load (3), secrets and sockets (10). Sizes are small in CI; scripts/reliability
 * runs them long through -Dlivesync.reliability.* knobs. CPU and times are reported
 * ({@link Figures}), never asserted; convergence and exit codes are.
 */
class ProcessScenariosTest {
  /** Whole livesync processes, started, killed and started again: twice the in-JVM bound. */
  static final Duration CONVERGE = Duration.ofSeconds(Figures.knob("convergeSeconds", (int) Await.CONVERGE.multipliedBy(2).toSeconds()));
  final Path work = TempFiles.dir("rel-proc");
  final byte[] src = dir("src");
  final byte[] module = dir("module");
  final List<AutoCloseable> cleanup = new ArrayList<>();
  final String password = "pw-" + Long.toHexString(System.nanoTime()) + "-SECRET";
  RsyncDaemon daemon;

  final List<LivesyncProcess> started = new ArrayList<>();

  @AfterEach
  void tearDown(org.junit.jupiter.api.TestInfo info) throws Exception {
    // keep what livesync logged, for the figures and for post-mortems
    Path logs = Files.createDirectories(Path.of("target", "reliability-logs"));
    for (int i = 0; i < started.size(); i++) {
      String name = info.getTestMethod().orElseThrow().getName();
      if (info.getDisplayName().contains("=")) name += "-" + info.getDisplayName().replaceAll("[^A-Za-z0-9]+", "_"); // parameterized
      Files.writeString(logs.resolve(name + "-" + i + ".log"), started.get(i).output());
    }
    for (AutoCloseable c : cleanup.reversed()) c.close();
    TempFiles.deleteTree(work);
  }

  private byte[] dir(String name) {
    try {
      Path p = Files.createDirectories(work.resolve(name));
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      return Bytes.of(p.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  RsyncDaemon daemon() throws InterruptedException {
    daemon = RsyncDaemon.builder(Trees.path(module)).auth("backup", password).start();
    cleanup.add(daemon);
    return daemon;
  }

  /** {@code livesync run SRC DAEMON [more targets and flags]}: arguments before the first flag are extra targets. */
  LivesyncProcess livesync(String... extra) {
    List<String> args = new ArrayList<>(List.of("run", Bytes.latin1(src), daemon.url(), "--password-file", daemon.passwordFile().toString(),
        "--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString(),
        "--delay", "100ms", "--retry-initial", "500ms", "--retry-max", "5s", "--stop-timeout", "20s"));
    args.addAll(List.of(extra));
    var p = LivesyncProcess.start(args);
    cleanup.add(p);
    started.add(p);
    return p;
  }

  static long since(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  // --- 1. mixed load, every target kind, several runs

  @Test
  void mixedLoadConvergesOnEveryTargetInEveryRun() throws Exception {
    int runs = Figures.knob("runs", 1);
    int rate = Figures.knob("mixedOpsPerSecond", 500);
    int seconds = Figures.knob("mixedSeconds", 3);
    // ssh targets cost one ssh login per rsync run (0.4-1 s here): in CI a short load to the daemon and a
    // local dir; scripts/reliability adds the ssh target (-Dlivesync.reliability.ssh=1)
    boolean ssh = Figures.knob("ssh", 0) == 1;
    // to replay one run's load many times: every run from empty trees, with the seed given (and the
    // next ones, seedStep apart)
    int seed = Figures.knob("seed", 0), seedStep = Figures.knob("seedStep", 0);
    daemon();
    byte[] local = dir("local"), viaSsh = dir("ssh");
    var sshd = ssh ? dev.livesync.testing.Sshd.start() : null;
    if (sshd != null) cleanup.add(sshd);
    List<byte[]> targets = ssh ? List.of(module, local, viaSsh) : List.of(module, local);
    // a large tree the load does not touch (what earlier runs leave behind), so one run shows what a big tree costs
    int prefillFiles = Figures.knob("prefillFiles", 0);
    prefill(prefillFiles);
    for (int run = 1; run <= runs; run++) {
      if (seed > 0 && run > 1) {
        for (byte[] t : targets) emptied(t);
        emptied(src);
        TempFiles.deleteTree(work.resolve("state"));
      }
      // one [[sync]] with every target, each with its own options (on the command line they would be shared)
      Path cfg = work.resolve("livesync.toml");
      List<String> toml = new ArrayList<>(List.of(
          "state_dir = \"" + work.resolve("state") + "\"", "log_level = \"" + System.getProperty("livesync.reliability.logLevel", "info") + "\"",
          "[[sync]]", "name = \"mixed\"", "source = \"" + Bytes.latin1(src) + "\"", "delay = \"100ms\"",
          "max_delete = \"" + System.getProperty("livesync.reliability.maxDelete", "50%") + "\"", // off: what the guard costs
          "retry = { initial = \"500ms\", max = \"5s\" }",
          "  [[sync.target]]", "  url = \"" + daemon.url() + "\"", "  password_file = \"" + daemon.passwordFile() + "\"",
          "  [[sync.target]]", "  url = \"" + Bytes.latin1(local) + "\""));
      if (ssh) {
        toml.addAll(List.of("  [[sync.target]]", "  url = \"root@127.0.0.1:" + Bytes.latin1(viaSsh) + "\"", "  ssh_key = \"" + sshd.clientKey() + "\"",
            "  ssh_port = " + sshd.port(), "  known_hosts = \"" + sshd.knownHostsFile() + "\""));
      }
      toml.add("");
      Files.writeString(cfg, String.join("\n", toml));
      var p = LivesyncProcess.start(List.of("run", "--config", cfg.toString(), "--status-socket", work.resolve("status.sock").toString(),
          "--stop-timeout", "20s"));
      cleanup.add(p);
      started.add(p);
      p.awaitOutput("running:", CONVERGE);
      if (run == 1 && prefillFiles > 0) { // the first start's full sync done before the load
        for (byte[] target : targets) Trees.awaitSameTree(src, target, CONVERGE, Trees.Ignore.DIR_MTIMES);
      }
      var load = MixedLoad.start(src, rate, seed > 0 ? seed + (run - 1) * seedStep : run);
      Thread.sleep(seconds * 1000L);
      long ops = load.stop();
      long t0 = System.nanoTime();
      java.time.Instant loadEnd = java.time.Instant.now();
      List<String> wrong = new ArrayList<>();
      for (byte[] target : targets) {
        try {
          Trees.awaitSameTree(src, target, CONVERGE, Trees.Ignore.DIR_MTIMES);
        } catch (AssertionError e) {
          List<String> diff = Trees.differences(src, target, Trees.Ignore.DIR_MTIMES);
          wrong.add(Bytes.latin1(target) + ": " + diff.size() + " lost/wrong, first " + diff.subList(0, Math.min(10, diff.size())));
          System.out.println("scenario 1, run " + run + ": " + e.getMessage()); // which paths: for the log of a failed run
        }
      }
      long drainMs = since(t0);
      // the comparisons above read every file of both trees, many seconds on a large tree: each target's
      // last change says when it came to equal the source
      List<String> equalAt = new ArrayList<>();
      for (byte[] target : targets) equalAt.add(String.format("%.1f", Duration.between(loadEnd, Trees.lastChange(target)).toMillis() / 1000.0));
      long files = countFiles(src);
      p.signal("TERM");
      int exit = p.awaitExit(Duration.ofSeconds(60));
      if (!wrong.isEmpty()) {
        Files.writeString(Files.createDirectories(Path.of("target", "reliability-logs")).resolve("mixedLoad-ops-run" + run + ".txt"), load.journal());
      }
      Figures.report("1", String.format("run %d/%d: %d ops in %d s (%d ops/s asked, ending %s) to %s, %d files at the end: %s; "
              + "each target last changed %s s after the load; all found equal %d ms after it; exit %d",
          run, runs, ops, seconds, rate, loadEnd, ssh ? "daemon + local + ssh" : "daemon + local", files,
          wrong.isEmpty() ? "0 lost/wrong on every target" : wrong, String.join(" / ", equalAt), drainMs, exit));
      assertThat(wrong).isEmpty();
      assertThat(exit).as(p.output()).isZero();
    }
  }

  /** {@code files} files of 1-16 KB under {@code prefill/dNNNN/}, 100 a directory, before livesync starts (its first start sends them). */
  private void prefill(int files) throws java.io.IOException {
    var random = new java.util.SplittableRandom(files);
    byte[] data = new byte[16 * 1024];
    random.nextBytes(data);
    for (int i = 0; i < files; i++) {
      Path d = Trees.path(src).resolve("prefill").resolve(String.format("d%05d", i / 100));
      if (i % 100 == 0) Files.createDirectories(d);
      Files.write(d.resolve("f" + i), java.util.Arrays.copyOf(data, 1024 + random.nextInt(15 * 1024)));
    }
  }

  private static void emptied(byte[] dir) throws java.io.IOException {
    try (var s = Files.list(Trees.path(dir))) {
      for (Path p : s.toList()) TempFiles.deleteTree(p);
    }
  }

  private static long countFiles(byte[] root) throws java.io.IOException {
    try (var s = Files.walk(Trees.path(root))) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  // --- 2. target down under load

  @Test
  void targetDownUnderLoadThenBackConvergesWithNothingLost() throws Exception {
    int downSeconds = Figures.knob("downSeconds", 5);
    int rate = Figures.knob("opsPerSecond", 200);
    daemon();
    Trees.write(Bytes.child(src, Bytes.of("seed.txt")), "before");
    var p = livesync();
    p.awaitOutput("running:", CONVERGE); // the initial full sync is done (the tree can look equal before its rsync exits)
    Trees.awaitSameTree(src, module, CONVERGE, Trees.Ignore.DIR_MTIMES);

    daemon.stop();
    var load = MixedLoad.start(src, rate, 2);
    long cpu0 = p.cpuMillis(), t0 = System.nanoTime();
    Thread.sleep(downSeconds * 1000L);
    long ops = load.stop();
    long cpuLoad = p.cpuMillis() - cpu0, msLoad = since(t0);
    // down and quiet: what the retry loop alone costs
    long cpu1 = p.cpuMillis(), t1 = System.nanoTime();
    Thread.sleep(downSeconds * 1000L);
    long cpuIdle = p.cpuMillis() - cpu1, msIdle = since(t1);

    long t2 = System.nanoTime();
    daemon.start();
    Trees.awaitSameTree(src, module, CONVERGE, Trees.Ignore.DIR_MTIMES);
    long convergeMs = since(t2);
    p.signal("TERM");
    assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.output()).isZero();
    Figures.report("2", String.format(
        "target down %d s under %d ops/s (%d ops): livesync CPU %.1f %% of a core with load, %.1f %% down and quiet; converged %d ms after the target returned, 0 differences",
        downSeconds, rate, ops, 100.0 * cpuLoad / msLoad, 100.0 * cpuIdle / msIdle, convergeMs));
  }

  // --- 3. kill -9 mid-load

  @Test
  void killDashNineMidLoadThenRestartConverges() throws Exception {
    int seconds = Figures.knob("killLoadSeconds", 3);
    int rate = Figures.knob("opsPerSecond", 200);
    daemon();
    // a tree that is there before the load, as on a server (scenario 2 has one too). Without it, on a
    // loaded machine the killed run had sent only the load's first file when the load deleted it: the
    // restart's full sync would then delete everything the target held, which the guard holds whatever
    // the count (an empty or wrong source, EmptiedTarget), and the trees never came equal.
    Trees.write(at(src, "seed.txt"), "before");
    var p = livesync();
    p.awaitOutput("running:", CONVERGE);
    var load = MixedLoad.start(src, rate, 3);
    Thread.sleep(seconds * 500L);
    p.signal("KILL");
    p.awaitExit(Duration.ofSeconds(30));
    Thread.sleep(seconds * 500L); // changes while nothing runs: only the journal and the initial sync can bring them
    long ops = load.stop();
    long journaled = journalBytes();

    long t0 = System.nanoTime();
    var again = livesync();
    Trees.awaitSameTree(src, module, CONVERGE, again::output, Trees.Ignore.DIR_MTIMES);
    long convergeMs = since(t0);
    again.signal("TERM");
    assertThat(again.awaitExit(Duration.ofSeconds(60))).as(again.output()).isZero();
    Figures.report("3", String.format("kill -9 after %d ms of %d ops/s (%d ops in all, journal %d bytes at restart): restart converged in %d ms (JVM start included), 0 differences",
        seconds * 500, rate, ops, journaled, convergeMs));
  }

  /**
   * Issue 6, scenario 3: "no duplicate deletes of newer files". While the target is down, deletions
   * and renames (files and directories) are queued and journaled; livesync is killed with -9; then
   * new files appear under the deleted and renamed-away names (new bytes, newer mtime). The restart
   * replays the journal (or, when the initial sync deletes, lets that sync do it): the target must end
   * up exactly the source — every new file with its new bytes, nothing the source has deleted,
   * nothing extra — and stay so once livesync is idle (a stale replay would run by then).
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "delete = {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"always", "running", "startup"})
  void killDashNineWithStaleDeletionsJournaledNeverDeletesNewerFiles(String policy) throws Exception {
    int files = Figures.knob("staleFiles", 40);
    long old = System.currentTimeMillis() / 1000 - 3600;
    daemon();
    List<String> deleted = new ArrayList<>(), renamedFrom = new ArrayList<>(), renamedTo = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      deleted.add(String.format("del/f%03d", i));
      renamedFrom.add(String.format("ren/r%03d", i));
      renamedTo.add(String.format("ren/r%03d.moved", i));
    }
    List<String> dirsFrom = List.of("dirs/d0", "dirs/d1", "dirs/d2", "dirs/d3");
    for (String f : deleted) writeOld(f, "old " + f, old);
    for (String f : renamedFrom) writeOld(f, "old " + f, old);
    for (String d : dirsFrom) for (int k = 0; k < 5; k++) writeOld(d + "/x" + k, "old " + d + k, old);
    writeOld("keep/untouched", "untouched", old);

    var p = livesync("--delete", policy);
    Trees.awaitSameTree(src, module, CONVERGE, Trees.Ignore.DIR_MTIMES);

    daemon.stop();
    Trees.write(at(src, "new/after-stop"), "a send: under delete = startup the deletions alone would not try the target");
    for (String f : deleted) Trees.delete(at(src, f));
    // the renames come once the target is known to be down (backing off): changes made then must be
    // journaled too, not only the batch that found the target gone
    awaitStatus(p, "the target retrying", doc -> doc.path("syncs").path(0).path("targets").path(0).path("state").asText().equals("retrying"));
    for (int i = 0; i < files; i++) dev.livesync.fs.Libc.rename(at(src, renamedFrom.get(i)), at(src, renamedTo.get(i)));
    for (String d : dirsFrom) dev.livesync.fs.Libc.rename(at(src, d), at(src, d + ".moved"));
    // delete = startup sends no deletion while running (docs/engine.md): a batch of deletions alone is
    // done without the target, its record closed, whichever batch the cut put them in; the start deletes
    List<String> mustBeJournaled = new ArrayList<>(policy.equals("startup") ? List.of() : deleted);
    mustBeJournaled.addAll(renamedFrom);
    mustBeJournaled.addAll(dirsFrom);
    Set<String> journaled = awaitJournaled(mustBeJournaled, p);

    p.signal("KILL");
    p.awaitExit(Duration.ofSeconds(30));
    long journalSize = journalBytes();

    // new files under the stale names: every other deleted name, every renamed-away name, every moved dir
    List<String> recreated = new ArrayList<>();
    for (int i = 0; i < files; i += 2) recreated.add(deleted.get(i));
    recreated.addAll(renamedFrom);
    for (String d : dirsFrom) recreated.add(d + "/new");
    for (String f : recreated) Trees.write(at(src, f), "NEW content of " + f + ", longer than the old one");

    daemon.start();
    var again = livesync("--delete", policy);
    Trees.awaitSameTree(src, module, CONVERGE, again::output, Trees.Ignore.DIR_MTIMES);
    awaitIdle(again);
    List<String> after = Trees.differences(src, module, Trees.Ignore.DIR_MTIMES);
    again.signal("TERM");
    assertThat(again.awaitExit(Duration.ofSeconds(60))).as(again.output()).isZero();

    for (String f : recreated)
      assertThat(new String(Trees.read(Bytes.child(module, Bytes.of(f))), java.nio.charset.StandardCharsets.UTF_8))
          .as("the new file %s at the target", f).startsWith("NEW content");
    assertThat(after).as("target vs source once livesync was idle after the restart").isEmpty();
    assertThat(again.output()).as("the restart saw what the killed run left").contains("from the journal of the previous run");
    Figures.report("3", String.format("delete = %s: %d deletions, %d file renames and %d dir renames journaled while the daemon was down (%d journaled paths, journal %d bytes),"
        + " kill -9, %d new files under the stale names: restart converged, every new file kept with its new bytes, 0 differences once idle",
        policy, deleted.size(), renamedFrom.size(), dirsFrom.size(), journaled.size(), journalSize, recreated.size()));
  }

  private void writeOld(String rel, String content, long mtime) {
    Trees.write(at(src, rel), content);
    Trees.setMtime(at(src, rel), mtime);
  }

  /** Paths in the undone items of every journal under the state root, read from a copy (the file is live). */
  private Set<String> journaledPaths() throws java.io.IOException {
    Set<String> out = new java.util.TreeSet<>();
    Path copies = Files.createDirectories(work.resolve("journal-copies"));
    try (var s = Files.walk(work.resolve("state"))) {
      for (Path f : s.filter(f -> f.toString().endsWith(".journal")).toList()) {
        Path copy = copies.resolve(f.getFileName());
        Files.copy(f, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (var j = dev.livesync.sync.Journal.open(copy)) {
          for (var e : j.recovered())
            for (byte[] path : e.item().footprint()) out.add(new String(path, java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  /** Waits until every path of {@code expected} is in an undone journal item (a kill -9 then leaves it to the restart). */
  private Set<String> awaitJournaled(List<String> expected, LivesyncProcess p) throws Exception {
    // an inotify overflow (other tests may lower max_queued_events meanwhile) hands the events to a
    // full sync with delete, which the journal then holds instead: its footprint is the empty path
    java.util.function.Function<Set<String>, List<String>> missing = j -> j.contains("") ? List.of() : expected.stream().filter(e -> !j.contains(e)).toList();
    return Await.value("the " + expected.size() + " changes made while the target was down in the journal (a kill -9 now loses those missing)", CONVERGE,
        () -> Files.isDirectory(work.resolve("state")) ? journaledPaths() : Set.<String>of(), j -> missing.apply(j).isEmpty(),
        j -> missing.apply(j).size() + " missing, e.g. " + missing.apply(j).stream().limit(5).toList() + "\nstatus: " + status() + "\n" + p.output());
  }

  private String status() {
    try {
      return dev.livesync.ops.status.StatusClient.fetch(work.resolve("status.sock"));
    } catch (java.io.IOException e) {
      return "(no status: " + e.getMessage() + ")";
    }
  }

  /** Waits until the status socket shows nothing pending, queued or in flight for any target. */
  private void awaitIdle(LivesyncProcess p) throws Exception {
    awaitStatus(p, "idle", doc -> {
      boolean idle = doc.path("syncs").size() > 0;
      for (var sync : doc.path("syncs")) {
        idle &= sync.path("state").asText().equals("running") && sync.path("pendingPaths").asLong() == 0;
        for (var t : sync.path("targets")) idle &= t.path("queuedItems").asInt() == 0 && t.path("inFlight").asInt() == 0;
      }
      return idle;
    });
  }

  private void awaitStatus(LivesyncProcess p, String what, java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> test) throws Exception {
    Await.value("livesync " + what, CONVERGE, this::status, s -> !s.startsWith("(") && test.test(dev.livesync.ops.status.Json.read(s, "status")),
        s -> s + "\n" + p.output());
  }

  private long journalBytes() throws java.io.IOException {
    try (var s = Files.walk(work.resolve("state"))) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  // --- 10. secrets, password file modes, sockets

  @Test
  void noPasswordInAnyArgvOrLogAndTheStatusSocketIsPrivate() throws Exception {
    daemon();
    byte[] local = dir("local");
    Path logFile = work.resolve("livesync.log");
    // a daemon and a local target, the status socket on: `run` must listen on nothing, TCP or UDP
    var p = livesync("--log-file", logFile.toString(), "--log-level", "debug", "--workers", "2", Bytes.latin1(local));
    Trees.awaitSameTree(src, module, CONVERGE, Trees.Ignore.DIR_MTIMES);
    var load = MixedLoad.start(src, 200, 10);
    int samples = 0, rsyncSeen = 0;
    List<String> leaks = new ArrayList<>();
    java.util.Set<String> listening = new java.util.TreeSet<>();
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < deadline || rsyncSeen == 0 && samples < 2000) {
      var children = p.handle().descendants().map(h -> h.pid()).toList();
      for (String line : ProcStat.allCommandLines()) {
        if (line.contains(password)) leaks.add(line);
        long pid = Long.parseLong(line.substring(0, line.indexOf(':')));
        if (children.contains(pid) && line.contains("rsync")) rsyncSeen++;
      }
      // sockets of livesync and its rsync children that accept from others (kernel tables, by inode)
      if (samples % 10 == 0) for (var s : ProcStat.listeningSocketsOf(p.handle())) listening.add(s.toString());
      samples++;
    }
    load.stop();
    Trees.awaitSameTree(src, module, CONVERGE, Trees.Ignore.DIR_MTIMES);
    Trees.awaitSameTree(src, local, CONVERGE, Trees.Ignore.DIR_MTIMES);

    for (var s : ProcStat.listeningSocketsOf(p.handle())) listening.add(s.toString());
    boolean statusSocketIsUnix = Files.readAttributes(work.resolve("status.sock"), "unix:mode").get("mode") instanceof Integer m && (m & 0170000) == 0140000;
    var socketMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("status.sock")));
    p.signal("TERM");
    assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.output()).isZero();

    assertThat(rsyncSeen).as("samples that caught an rsync child of livesync (else this test proves nothing)").isPositive();
    assertThat(leaks).as("processes showing the password in argv").isEmpty();
    assertThat(p.output()).doesNotContain(password).contains("DEBUG");
    assertThat(Files.readString(logFile)).doesNotContain(password).isNotEmpty();
    assertThat(socketMode).isEqualTo("rw-------");
    assertThat(statusSocketIsUnix).as("the status socket is a Unix socket").isTrue();
    assertThat(listening).as("TCP/UDP sockets livesync run (or an rsync it ran) listened on, in any of the scans").isEmpty();
    Figures.report("10", samples + " scans of every /proc/*/cmdline and of the sockets of livesync and its children (" + rsyncSeen
        + " rsync children seen), daemon + local target: password in none, nor in the log; status socket " + socketMode
        + " (Unix); no listening TCP or UDP socket");
  }

  @Test
  void aPasswordFileReadableByOthersIsRefused() throws Exception {
    daemon();
    Path loose = work.resolve("loose.password");
    Files.writeString(loose, password + "\n");
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
    var p = LivesyncProcess.start(List.of("run", Bytes.latin1(src), daemon.url(), "--password-file", loose.toString(),
        "--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString()));
    cleanup.add(p);
    assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.output()).isEqualTo(2);
    assertThat(p.output()).contains(loose.toString()).contains("chmod 600").doesNotContain(password);
    assertThat(Trees.list(module)).isEmpty();
  }
}
