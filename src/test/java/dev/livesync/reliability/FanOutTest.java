package dev.livesync.reliability;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.EngineStatus;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One source to several rsync daemons (each its own process on loopback): one of them stopped in the
 * middle of the writes does not hold the others back — they converge while it is down — and it
 * catches up once it is back, with what was written meanwhile.
 */
class FanOutTest {
  static final int TARGETS = 4;
  static final int DOWN = 1;
  final byte[] src = Trees.tempDir("fan-src");
  final List<RsyncDaemon> daemons = new ArrayList<>();
  final List<byte[]> dirs = new ArrayList<>();
  Replicator r;

  /** Where a stopped daemon's port accepts connections and never answers (a host that hangs), and what it accepted. */
  java.net.ServerSocket silent;
  final List<java.net.Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      dev.livesync.sync.TransferSlots.shared().limit(dev.livesync.sync.TransferSlots.defaultLimit());
      if (silent != null) silent.close();
      for (java.net.Socket x : held) x.close();
      for (RsyncDaemon d : daemons) d.close();
      for (byte[] d : dirs) Trees.delete(d);
      Trees.delete(src);
    }
  }

  private void write(int round, int files) {
    for (int i = 0; i < files; i++) Trees.write(Bytes.child(src, Bytes.of("r" + round + "/d" + i % 7 + "/f" + i)), "round " + round + " file " + i);
  }

  /** {@code n} targets, each its own rsync daemon on loopback. */
  private List<Transport> targets(int n) throws InterruptedException {
    List<Transport> transports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] dir = Trees.tempDir("fan-dst" + i);
      dirs.add(dir);
      RsyncDaemon d = RsyncDaemon.start(Trees.path(dir));
      daemons.add(d);
      transports.add(RsyncTransport.open(src, d.url(), TargetOptions.defaults()));
    }
    return transports;
  }

  private EngineStatus.Target target(int i) {
    return r.status().targets().get(i);
  }

  @Test
  void aTargetThatGoesDownHoldsNoOtherBackAndCatchesUpWhenBack() throws Exception {
    List<Transport> transports = targets(TARGETS);
    write(0, 100);
    var s = EngineSettings.builder("fan", src).stateDir(Trees.path(Trees.tempDir("fan-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(2)).build();
    r = Replicator.start(s, transports, null);
    for (byte[] d : dirs) Trees.awaitSameTree(src, d, CONVERGE, Trees.Ignore.DIR_MTIMES);

    daemons.get(DOWN).stop();
    for (int round = 1; round <= 3; round++) {
      write(round, 150);
      Thread.sleep(200);
    }
    Trees.delete(Bytes.child(src, Bytes.of("r0/d3")));
    for (int i = 0; i < TARGETS; i++) if (i != DOWN) Trees.awaitSameTree(src, dirs.get(i), CONVERGE, Trees.Ignore.DIR_MTIMES);
    Await.until("the stopped daemon's target fails", CONVERGE, () -> target(DOWN).failures() > 0, () -> target(DOWN));
    assertThat(target(DOWN).failures()).as("the stopped daemon's target fails while the others converge").isPositive();
    assertThat(target(DOWN).queuedPaths()).as("its changes wait in its own queue").isPositive();
    for (int i = 0; i < TARGETS; i++) if (i != DOWN) assertThat(target(i).state()).isEqualTo("ok");

    daemons.get(DOWN).start();
    write(4, 50);
    for (byte[] d : dirs) Trees.awaitSameTree(src, d, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * A target whose host stops answering (connections accepted, nothing said back) keeps its runs
   * until rsync's timeout. The process-wide cap on transfers must not let it hold every slot: the
   * other target goes on converging.
   */
  @Test
  void aTargetWhoseHostHangsHoldsOnlyItsShareOfTheTransferSlots() throws Exception {
    dev.livesync.sync.TransferSlots.shared().limit(4); // the cap this test is about, whatever the CPUs
    List<Transport> transports = targets(2);
    write(0, 20);
    var s = EngineSettings.builder("hang", src).stateDir(Trees.path(Trees.tempDir("hang-state"))).workers(4)
        .delay(Duration.ofMillis(50)).build();
    r = Replicator.start(s, transports, null);
    for (byte[] d : dirs) Trees.awaitSameTree(src, d, CONVERGE, Trees.Ignore.DIR_MTIMES);

    RsyncDaemon hung = daemons.get(1);
    hung.stop();
    silent = new java.net.ServerSocket(hung.port(), 50, java.net.InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().start(() -> {
      try {
        while (true) held.add(silent.accept());
      } catch (java.io.IOException closed) {
        // the test is over
      }
    });
    for (int round = 1; round <= 6; round++) { // batches on separate paths: the hung target starts all it may
      write(round, 10);
      Thread.sleep(150);
    }
    Trees.awaitSameTree(src, dirs.get(0), CONVERGE, Trees.Ignore.DIR_MTIMES);
    Await.until("the hung target holds its share of the slots", CONVERGE, () -> target(1).inFlight() == 2, () -> target(1));
    Thread.sleep(500); // and no more
    assertThat(target(1).inFlight()).as("the hung target's runs wait for an answer, two of the four slots").isEqualTo(2);
    assertThat(held).as("connections the hung host accepted").hasSizeGreaterThanOrEqualTo(2);
  }
}
