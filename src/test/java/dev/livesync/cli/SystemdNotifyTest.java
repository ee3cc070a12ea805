package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.UnixDatagram;
import dev.livesync.ops.service.SystemdNotify;
import dev.livesync.sync.DeliveryListener;
import dev.livesync.sync.WorkItem;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.transport.TransferResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} under a Type=notify unit: systemd's side is played by a datagram socket the test binds
 * (the same FFM layer), and the messages are read as systemd would read them.
 */
class SystemdNotifyTest {
  @TempDir Path tmp;

  @Test
  void runSaysReadyThenStatusAndWatchdogThenStoppingInThatOrder() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.writeString(src.resolve("a.txt"), "a");
    String address = "@livesync-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime(); // abstract, like systemd's
    try (UnixDatagram systemd = UnixDatagram.bind(address);
        var p = LivesyncProcess.start(List.of("run", src.toString(), dst.toString(), "--state-dir", tmp.resolve("state").toString(),
            "--status-socket", tmp.resolve("s.sock").toString()), Map.of("NOTIFY_SOCKET", address, "WATCHDOG_USEC", "1000000"))) {
      List<String> got = new ArrayList<>();
      // READY=1 comes first, then the heartbeat: a status line within 5 s, pings every half second
      awaitMessage(systemd, got, m -> m.contains("STATUS=1 sync(s), 1 target(s); lag"), Duration.ofSeconds(60));
      assertThat(got.getFirst()).startsWith("READY=1\nSTATUS=1 sync(s) watching");
      assertThat(got).filteredOn("WATCHDOG=1"::equals).hasSizeGreaterThanOrEqualTo(3);
      assertThat(Files.readString(dst.resolve("a.txt"))).isEqualTo("a");

      p.signal("TERM");
      awaitMessage(systemd, got, m -> m.startsWith("STOPPING=1"), Duration.ofSeconds(30));
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isZero();
      assertThat(got.getLast()).startsWith("STOPPING=1\nSTATUS=SIGTERM: draining");
      assertThat(got.stream().filter(m -> m.startsWith("READY=1"))).hasSize(1);
      while (systemd.receive(300) != null) got.add("late");
      assertThat(got.getLast()).as("nothing after STOPPING=1: %s", got).startsWith("STOPPING=1");
    }
  }

  @Test
  void theWatchdogStopsWhileAnEngineLoopIsStuckAndResumesWhenItTurnsAgain() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    String address = tmp.resolve("notify").toString(); // a path socket this time
    // the test hook: a listener (told on the engine loop thread) that blocks the loop while armed
    AtomicBoolean armed = new AtomicBoolean();
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    DeliveryListener blocker = new DeliveryListener() {
      @Override
      public void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {}

      @Override
      public void finished(String target, WorkItem item, TransferResult result, long nowNanos) {
        if (!armed.get()) return;
        stuck.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    var cl = Main.commandLine();
    cl.parseArgs("run", src.toString(), dst.toString(), "--state-dir", tmp.resolve("state").toString());
    RunCommand cmd = cl.getSubcommands().get("run").getCommand();
    var plans = cmd.sync.syncs(null, true).stream().map(RunningSyncs.Plan::new).toList();
    var syncs = new RunningSyncs(name -> blocker);
    try (UnixDatagram systemd = UnixDatagram.bind(address);
        SystemdNotify sd = SystemdNotify.fromEnvironment(Map.of("NOTIFY_SOCKET", address, "WATCHDOG_USEC", "400000"))) {
      syncs.startAll(plans, Duration.ofSeconds(5), () -> {
        sd.ready("watching");
        sd.heartbeat(syncs::loopsTurnedWithin, () -> SystemdNotify.describe(syncs.statuses()), Duration.ofSeconds(1));
      });
      List<String> got = new ArrayList<>();
      awaitMessage(systemd, got, "WATCHDOG=1"::equals, Duration.ofSeconds(10));

      armed.set(true);
      Files.writeString(src.resolve("b.txt"), "b");
      assertThat(stuck.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // stale after 3 s (the least: a healthy loop waits up to 1 s for events); then no ping at all
      drain(systemd, got, Duration.ofSeconds(4));
      got.clear();
      drain(systemd, got, Duration.ofSeconds(3));
      assertThat(got).as("no watchdog ping while the loop is stuck").doesNotContain("WATCHDOG=1");
      assertThat(got).anyMatch(m -> m.startsWith("STATUS=engine loop stuck;"));

      armed.set(false);
      release.countDown();
      awaitMessage(systemd, got, "WATCHDOG=1"::equals, Duration.ofSeconds(10));
    } finally {
      release.countDown();
      syncs.stopAll(Duration.ofSeconds(5));
    }
  }

  private static void awaitMessage(UnixDatagram s, List<String> got, java.util.function.Predicate<String> until, Duration timeout) {
    Await.until("a message as expected", timeout, () -> {
      byte[] m = s.receive(200);
      if (m == null) return false;
      String text = new String(m, StandardCharsets.UTF_8);
      got.add(text);
      return until.test(text);
    }, () -> "got " + got);
  }

  private static void drain(UnixDatagram s, List<String> got, Duration d) {
    long deadline = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < deadline) {
      byte[] m = s.receive(100);
      if (m != null) got.add(new String(m, StandardCharsets.UTF_8));
    }
  }
}
