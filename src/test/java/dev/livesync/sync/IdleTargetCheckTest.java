package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.status.Json;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.TempFiles;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon target that goes down while nothing changes at the source: it was reported ok (status,
 * metrics, no alert) until the next change, however long that took. An idle target is looked at once
 * its idle time reaches {@link IdleCheck#EVERY_NANOS} (a fake clock; the rsync runs and the daemon are
 * real), is then retrying with rsync's reason, and ok again once it answers.
 */
class IdleTargetCheckTest {
  final FakeClock clock = new FakeClock();
  final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  final ArrayDeque<Runnable> workers = new ArrayDeque<>();
  final Backoff retry = new Backoff(1_000_000_000L, 60_000_000_000L, new SplittableRandom(1));
  final Path work = TempFiles.dir("idle-check");
  /** {@link IdleCheck#EVERY_NANOS}, as docs/operations.md promises it (written out: the test also runs on the code before it). */
  static final long IDLE_MILLIS = 60_000;
  RsyncDaemon daemon;

  @AfterEach
  void cleanUp() {
    if (daemon != null) daemon.close();
    TempFiles.deleteTree(work);
  }

  /** A runner of two workers for {@code transport}, on the fake clock, deleting as always. */
  private TargetRunner runner(RsyncTransport transport) {
    return new TargetRunner(transport, clock, new RunnerSettings(2, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null), workers::add, loop::add, null, DeliveryListener.NONE, (t, o, m) -> {});
  }

  /** Starts what may start and runs it to its end (worker side, then the loop side), a few rounds. */
  void turn(TargetRunner r) {
    for (int i = 0; i < 3; i++) {
      r.dispatch();
      while (!workers.isEmpty()) workers.poll().run();
      while (!loop.isEmpty()) loop.poll().run();
    }
  }

  @Test
  void aDaemonTargetThatGoesDownWhileIdleIsRetryingAfterAMinuteAndOkOnceItAnswers() throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    daemon = RsyncDaemon.start(Files.createDirectories(work.resolve("module")));
    var transport = RsyncTransport.open(Bytes.of(src.toString()), daemon.url(), TargetOptions.defaults());
    var r = runner(transport);
    r.submit(new WorkItem.Send(List.of(Bytes.of("a")), false, 0, clock.nanos()));
    turn(r);
    assertThat(work.resolve("module/a")).hasContent("a");
    assertThat(r.snapshot(-1).state()).isEqualTo("ok");

    daemon.stop();
    clock.advanceMillis(IDLE_MILLIS - 1000);
    turn(r);
    assertThat(r.snapshot(-1).state()).as("idle less than the interval: not looked at yet").isEqualTo("ok");

    clock.advanceMillis(1000);
    turn(r);
    var down = r.snapshot(-1);
    assertThat(down.state()).as("looked at once idle for the interval").isEqualTo("retrying");
    assertThat(down.lastExitCode()).isEqualTo(10);
    assertThat(down.lastError()).contains(daemon.url().replace("rsync://", "").split("/")[0].split(":")[0]);
    assertThat(down.failures()).isEqualTo(1);

    clock.advanceMillis(5_000);
    turn(r);
    assertThat(r.snapshot(-1).state()).as("still down: each attempt due is a look").isEqualTo("retrying");
    assertThat(r.snapshot(-1).failures()).isGreaterThan(1);

    daemon.start();
    clock.advanceMillis(120_000); // past any backoff
    turn(r);
    assertThat(r.snapshot(-1).state()).as("answers again").isEqualTo("ok");
    transport.close();
  }

  @Test
  void aTargetThatKeepsAnsweringIsLookedAtOncePerIdleIntervalAndStaysOk() throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    daemon = RsyncDaemon.start(Files.createDirectories(work.resolve("module")));
    var transport = RsyncTransport.open(Bytes.of(src.toString()), daemon.url(), TargetOptions.defaults());
    var r = runner(transport);
    int looks = 0;
    for (int i = 0; i < 3; i++) {
      clock.advanceMillis(IDLE_MILLIS);
      r.dispatch();
      looks += workers.size();
      turn(r);
      assertThat(r.snapshot(-1).state()).isEqualTo("ok");
    }
    assertThat(looks).as("one look per idle interval").isEqualTo(3);
    assertThat(r.snapshot(-1).failures()).isZero();
    transport.close();
  }

  /**
   * The target's directory deleted on the backup host while nothing changed: the next send would
   * make it again (--mkpath) holding only what changed, status ok. The idle look finds it gone,
   * and a full sync makes it again whole.
   */
  @Test
  void aTargetDirectoryDeletedOnTheBackupHostWhileIdleIsSentWholeAgain() throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    Files.writeString(Files.createDirectories(src.resolve("d")).resolve("b"), "b");
    daemon = RsyncDaemon.start(Files.createDirectories(work.resolve("module")));
    var transport = RsyncTransport.open(Bytes.of(src.toString()), daemon.url() + "/backup/web", TargetOptions.defaults());
    var r = runner(transport);
    r.submit(new WorkItem.FullSync(true, "start", clock.nanos()));
    turn(r);
    assertThat(work.resolve("module/backup/web/d/b")).hasContent("b");

    TempFiles.deleteTree(work.resolve("module/backup"));
    clock.advanceMillis(IDLE_MILLIS);
    turn(r);
    turn(r);
    assertThat(work.resolve("module/backup/web/a")).as("made again whole").hasContent("a");
    assertThat(work.resolve("module/backup/web/d/b")).hasContent("b");
    assertThat(r.snapshot(-1).state()).isEqualTo("ok");
    assertThat(r.snapshot(-1).failures()).as("the host answered: no failure").isZero();
    transport.close();
  }

  private static JsonNode json(TargetRunner r) {
    return Json.read(Json.write(r.snapshot(-1)), "the target's status");
  }

  /**
   * What {@code livesync status --json} says of a target's last rsync exit code (docs/operations.md):
   * nothing while no rsync has failed with one (it was -1, a code rsync never gives), and the code with
   * its meaning once one has.
   */
  @Test
  void noExitCodeIsAbsentAndARealOneIsShownWithItsMeaning() throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    daemon = RsyncDaemon.start(Files.createDirectories(work.resolve("module")));
    var transport = RsyncTransport.open(Bytes.of(src.toString()), daemon.url(), TargetOptions.defaults());
    var r = runner(transport);
    r.submit(new WorkItem.Send(List.of(Bytes.of("a")), false, 0, clock.nanos()));
    turn(r);
    assertThat(work.resolve("module/a")).hasContent("a");
    JsonNode ok = json(r);
    assertThat(ok.path("state").asText()).isEqualTo("ok");
    assertThat(ok.has("lastExitCode")).as("no rsync has failed: no exit code, in " + ok).isFalse();
    assertThat(ok.has("lastExitMeaning")).as("nor its meaning, in " + ok).isFalse();

    daemon.stop();
    Files.writeString(src.resolve("b"), "b");
    r.submit(new WorkItem.Send(List.of(Bytes.of("b")), false, 0, clock.nanos()));
    turn(r);
    JsonNode down = json(r);
    assertThat(down.path("state").asText()).isEqualTo("retrying");
    assertThat(down.path("lastExitCode").asInt()).as("rsync's own code, in " + down).isEqualTo(10);
    assertThat(down.path("lastExitMeaning").asText()).isNotEmpty();
    transport.close();
  }
}
