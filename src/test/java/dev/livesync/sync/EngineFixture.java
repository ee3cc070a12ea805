package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatchProgress;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the engine's end-to-end tests share: a source, a target directory and a state directory,
 * new for each test; the settings of a quick engine on them; and the {@link Replicator} the test
 * starts, stopped after the test (within 5 s) whatever happened, then the directories deleted.
 *
 * <pre>{@code
 * @RegisterExtension final EngineFixture engine = new EngineFixture("ls");
 * ...
 * Replicator r = engine.start(engine.settings().build(), engine.local());
 * }</pre>
 */
final class EngineFixture implements AfterEachCallback {
  final byte[] src;
  final byte[] dst;
  final Path state;
  private final String name;
  private Replicator running;
  private RsyncDaemon daemon;

  /** {@code name}: the sync's name, and the prefix of the temp directories. */
  EngineFixture(String name) {
    this(name, Trees.tempDir(name + "-src"));
  }

  /** The same on a source of the test's ({@code src}, an empty directory that is deleted after each test). */
  EngineFixture(String name, byte[] src) {
    this.name = name;
    this.src = src;
    dst = Trees.tempDir(name + "-dst");
    state = Trees.path(Trees.tempDir(name + "-state"));
  }

  /** A quick engine on {@link #src}: its state in {@link #state}, a 50 ms delay; the test adds what it is about. */
  EngineSettings.Builder settings() {
    return EngineSettings.builder(name, src).stateDir(state).delay(Duration.ofMillis(50));
  }

  /** rsync into {@link #dst} (the real transport), which the test can take down. */
  LocalRsyncTransport local(String... excludes) {
    return new LocalRsyncTransport(src, dst, List.of(excludes));
  }

  /** Real rsync into {@link #dst}: {@code "local"} writes the directory, {@code "daemon"} goes through {@link #daemon()}. */
  RsyncTransport rsync(String kind) throws InterruptedException {
    var options = TargetOptions.builder();
    if (kind.equals("daemon")) options.passwordFile(daemon().passwordFile());
    return new RsyncTransport(src, Target.parse(kind.equals("daemon") ? daemon.url() : Bytes.latin1(dst)), options.build());
  }

  /** A loopback rsync daemon serving {@link #dst} (user backup), started at the first call, stopped after the test. */
  RsyncDaemon daemon() throws InterruptedException {
    if (daemon == null) {
      Trees.chmod(dst, 0755);
      daemon = RsyncDaemon.builder(Trees.path(dst)).auth("backup", "pw").start();
    }
    return daemon;
  }

  Replicator start(EngineSettings s, Transport target) throws InterruptedException {
    return start(s, List.of(target), null);
  }

  /** Starts the engine (waits for the first attempt of the initial sync); one at a time. */
  Replicator start(EngineSettings s, List<Transport> targets, DeliveryListener listener) throws InterruptedException {
    return start(s, targets, listener, Clock.SYSTEM);
  }

  /** The same on {@code clock} (a {@link FakeClock}: nothing waits for a delay or a backoff until the test moves it). */
  Replicator start(EngineSettings s, List<Transport> targets, DeliveryListener listener, Clock clock) throws InterruptedException {
    return track(Replicator.start(s, targets, listener, clock));
  }

  /** {@link Replicator#open}: started without waiting for the initial sync, its watch setup counted in {@code setup}. */
  Replicator open(EngineSettings s, Transport target, WatchProgress setup) {
    return track(Replicator.open(s, List.of(target), null, Clock.SYSTEM, setup));
  }

  private Replicator track(Replicator r) {
    if (running != null) throw new IllegalStateException("stop the running engine first");
    running = r;
    return r;
  }

  /** Stops the running engine, letting work finish for at most {@code bound} (zero: what is left stays in the journal). */
  void stop(Duration bound) throws InterruptedException {
    Replicator r = running;
    running = null;
    if (r != null) r.stop(bound);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      stop(Duration.ofSeconds(5));
    } finally {
      if (daemon != null) daemon.close();
      Trees.delete(src);
      Trees.delete(dst);
      Trees.delete(Trees.bytes(state));
    }
  }
}
