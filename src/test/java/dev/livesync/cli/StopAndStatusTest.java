package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.Exit;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping and asking a running livesync, end to end in child JVMs with real rsync: a stop with the
 * target down does not wait out its bound, status and stop find a livesync by the socket it was
 * started with (and a sync by name), and a source replaced under a running sync is reported as
 * failed, with a non-zero status.
 */
class StopAndStatusTest {
  @RegisterExtension final Workspace ws = new Workspace("stop-test");
  final Path work = ws.dir();

  LivesyncProcess livesync(List<String> args) {
    return ws.livesync(args);
  }

  String socket() {
    return work.resolve("status.sock").toString();
  }

  List<String> run(String src, String target, String stopTimeout) {
    return List.of("run", src, target, "--name", "www", "--state-dir", work.resolve("state").toString(), "--status-socket", socket(),
        "--delay", "50ms", "--stop-timeout", stopTimeout, "--retry-initial", "200ms", "--retry-max", "500ms");
  }

  @Test
  void sigintWithTheTargetDownJournalsTheQueueAndExitsWithoutWaitingOutTheBound() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), module = Files.createDirectories(work.resolve("module"));
    Files.writeString(src.resolve("a"), "a");
    var daemon = RsyncDaemon.start(module);
    ws.closing(daemon);
    String url = daemon.url();
    daemon.stop(); // the target is down from the start: every attempt fails, retried every 200-500 ms
    var p = livesync(run(src.toString(), url, "10m"));
    p.awaitOutput("running:", CONVERGE);
    Files.writeString(src.resolve("b"), "queued while the target is down");
    p.awaitOutput(o -> o.contains("failed") || o.contains("retry"), CONVERGE);
    p.signal("INT");
    // a bound of 10 minutes: before, the drain retried the down target until it passed
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isZero();
    String afterSignal = p.output().substring(p.output().indexOf("SIGINT"));
    assertThat(afterSignal).contains(": not reachable (")
        .contains("so not tried again while stopping").contains("stay journaled");
    // at most the attempt that was in flight at the signal ends (and fails); no new one starts
    // "TARGET: ITEM failed (rsync exit N): ...", or "failed: ..." for one that ended before an rsync exit
    long attempts = java.util.regex.Pattern.compile(": [^:\\n]+ failed( \\(rsync exit \\d+\\))?: ").matcher(afterSignal).results().count();
    assertThat(attempts).as(afterSignal).isLessThanOrEqualTo(1);
    assertThat(Files.list(work.resolve("state/www")).map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".journal"));
  }

  /** A target that refused the password is said to have refused, with its reason, not to be unreachable. */
  @Test
  void aStopSaysATargetThatRefusedThePasswordRefused() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), module = Files.createDirectories(work.resolve("module"));
    var daemon = RsyncDaemon.builder(module).auth("backup", "s3cret").start();
    ws.closing(daemon);
    List<String> args = new ArrayList<>(run(src.toString(), daemon.url(), "10m"));
    args.addAll(List.of("--password-file", daemon.passwordFile().toString()));
    var p = livesync(args);
    p.awaitOutput("running:", CONVERGE);
    p.awaitOutput("full sync (start) done", CONVERGE);
    Files.writeString(daemon.passwordFile(), "not the password\n"); // mode 0600 kept
    Files.writeString(src.resolve("a"), "refused");
    p.awaitOutput("this needs an operator", CONVERGE);
    p.signal("TERM");
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isZero();
    String afterSignal = p.output().substring(p.output().indexOf("SIGTERM"));
    assertThat(afterSignal).contains(": refused (authentication failed for user backup at ").contains("so not tried again while stopping")
        .doesNotContain("not reachable");
  }

  /** A transfer still running when the stop's time runs out was busy, not unreachable (and the stop says what it was doing). */
  @Test
  void aStopSaysATargetCutOffMidTransferWasBusy() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    List<String> args = new ArrayList<>(run(src.toString(), dst.toString(), "1s"));
    args.addAll(List.of("--bwlimit", "1M"));
    var p = livesync(args);
    p.awaitOutput("running:", CONVERGE);
    byte[] data = new byte[16 << 20];
    new java.util.Random(1).nextBytes(data);
    Files.write(src.resolve("big"), data); // 16 MB at 1 MB/s: 16 s
    Await.until("the transfer of big under way (rsync's temp file at the target)", CONVERGE, () -> {
      try (var in = Files.list(dst)) {
        return in.anyMatch(f -> f.getFileName().toString().startsWith(".big."));
      }
    }, p::output);
    p.signal("TERM");
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isZero();
    String afterSignal = p.output().substring(p.output().indexOf("SIGTERM"));
    assertThat(afterSignal).contains(": still busy with 1 transfer(s) in flight when the stop's time (stop_timeout) ran out: stopped;")
        .doesNotContain("not reachable");
  }

  @Test
  void statusAndStopFindALivesyncByItsSocketAndASyncByName() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    var p = livesync(run(src.toString(), dst.toString(), "2s"));
    p.awaitOutput("running:", CONVERGE);

    var status = livesync(List.of("status", "--status-socket", socket(), "www"));
    assertThat(status.awaitExit(CONVERGE)).as(status.output()).isZero();
    assertThat(status.output()).contains("sync www: " + src);
    var other = livesync(List.of("status", "--status-socket", socket(), "nosuch"));
    assertThat(other.awaitExit(CONVERGE)).as(other.output()).isEqualTo(Exit.USAGE);
    assertThat(other.output()).contains("livesync status: no sync named nosuch in the livesync answering on " + socket() + " (it runs: www)");

    // stop waits longer than the drain it was told about: a drain that keeps its bound is never killed
    var json = livesync(List.of("status", "--json", "--status-socket", socket()));
    assertThat(json.awaitExit(CONVERGE)).isZero();
    assertThat(json.output()).containsPattern("\"stopTimeoutMillis\"\\s*:\\s*2000");
    assertThat(dev.livesync.ops.service.Stopper.waitFor(Duration.ofSeconds(2))).isGreaterThan(Duration.ofSeconds(2));
    assertThat(dev.livesync.ops.service.Stopper.waitFor(Duration.ofMinutes(60))).isGreaterThan(Duration.ofMinutes(60));

    var stop = livesync(List.of("stop", "--status-socket", socket(), "www"));
    assertThat(stop.awaitExit(CONVERGE)).as(stop.output()).isZero();
    assertThat(stop.output()).contains("livesync stopped (pid " + p.pid());
    assertThat(p.awaitExit(CONVERGE)).isZero();
  }

  @Test
  void aSourceReplacedWhileRunningIsAFailedSyncAndNothingOfTheNewOneShips() throws Exception {
    Path src = Files.createDirectories(work.resolve("src")), dst = Files.createDirectories(work.resolve("dst"));
    Files.writeString(src.resolve("old"), "in the original source");
    var p = livesync(run(src.toString(), dst.toString(), "5s"));
    p.awaitOutput("running:", CONVERGE);
    Files.move(src, work.resolve("src.old"));
    Files.createDirectories(src);
    Files.writeString(src.resolve("new"), "n");

    p.awaitOutput("is no longer the directory livesync started on", CONVERGE);
    assertThat(p.output()).contains("restart livesync");
    var status = livesync(List.of("status", "--status-socket", socket()));
    assertThat(status.awaitExit(CONVERGE)).as(status.output()).isEqualTo(Exit.FAILED);
    assertThat(status.output()).containsPattern("sync www: " + java.util.regex.Pattern.quote(src.toString()) + " \\S+ failed;").contains("FAILED: source " + src + " is no longer");
    assertThat(dst.resolve("new")).doesNotExist();
    assertThat(dst.resolve("old")).exists();
    p.signal("TERM");
    assertThat(p.awaitExit(CONVERGE)).as(p.output()).isZero();
  }
}
