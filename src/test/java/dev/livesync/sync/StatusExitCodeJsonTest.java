package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.Json;
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
 * What {@code livesync status --json} says of a target's last rsync exit code (docs/operations.md):
 * nothing while no rsync has failed with one (it was -1, a code rsync never gives), and the code with
 * its meaning once one has (a real daemon, stopped; a fake clock).
 */
class StatusExitCodeJsonTest {
  final FakeClock clock = new FakeClock();
  final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  final ArrayDeque<Runnable> workers = new ArrayDeque<>();
  final Backoff retry = new Backoff(1_000_000_000L, 60_000_000_000L, new SplittableRandom(1));
  final Path work = TempFiles.dir("status-exit-code");
  RsyncDaemon daemon;

  @AfterEach
  void cleanUp() {
    if (daemon != null) daemon.close();
    TempFiles.deleteTree(work);
  }

  private void turn(TargetRunner r) {
    for (int i = 0; i < 3; i++) {
      r.dispatch();
      while (!workers.isEmpty()) workers.poll().run();
      while (!loop.isEmpty()) loop.poll().run();
    }
  }

  private static JsonNode json(TargetRunner r) {
    return Json.read(Json.write(r.snapshot(-1)), "the target's status");
  }

  @Test
  void noExitCodeIsAbsentAndARealOneIsShownWithItsMeaning() throws Exception {
    Path src = Files.createDirectories(work.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    daemon = RsyncDaemon.start(Files.createDirectories(work.resolve("module")));
    var transport = RsyncTransport.open(Bytes.of(src.toString()), daemon.url(), TargetOptions.defaults());
    var r = new TargetRunner(transport, clock, new RunnerSettings(2, retry, retry, 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, p -> 0, null), workers::add, loop::add, null, DeliveryListener.NONE, (t, o, m) -> {});
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
