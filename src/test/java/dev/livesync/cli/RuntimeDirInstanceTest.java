package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code stop} and {@code status} with LIVESYNC_RUNTIME_DIR and no --config ask that runtime dir's
 * livesync and no other. When nothing answered there they went on to the livesync running the default
 * config, /etc/livesync/livesync.toml, and a tester's {@code stop} ended another's replicator. Two
 * real {@code start}ed replicators, each with dirs of its own; one runs the default config, which
 * exists only in the mount namespaces of this test (an overlay on /etc), never in the host's /etc.
 */
class RuntimeDirInstanceTest {
  @RegisterExtension final Workspace ws = new Workspace("runtime-dir-instance");
  final Path work = ws.dir();

  /** A wrapper that runs the command in a mount namespace whose /etc has livesync/livesync.toml with {@code config}. */
  List<String> withDefaultConfig(String ns, String config) throws Exception {
    Path upper = Files.createDirectories(work.resolve(ns + "/upper/livesync")).getParent();
    Files.writeString(upper.resolve("livesync/livesync.toml"), config);
    Path scratch = Files.createDirectories(work.resolve(ns + "/work"));
    return List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
        "mount -t overlay overlay -o 'lowerdir=/etc,upperdir=" + upper + ",workdir=" + scratch + "' /etc && exec \"$@\"", "sh");
  }

  /** The livesync command in {@code wrapper} with the runtime and state dirs {@code dirs}, run to its end. */
  LivesyncProcess command(List<String> wrapper, String dirs, String... args) throws InterruptedException {
    var p = LivesyncProcess.start(wrapper, List.of(args),
        Map.of("LIVESYNC_RUNTIME_DIR", work.resolve(dirs + "-run").toString(), "LIVESYNC_STATE_DIR", work.resolve(dirs + "-state").toString()));
    ws.closing(p);
    p.awaitExit(Duration.ofSeconds(120)); // fails (after killing it) when it does not return
    return p;
  }

  /** The replicator {@code start} left running with the runtime dir of {@code dirs}. */
  ProcessHandle started(String dirs) throws Exception {
    long pid = Long.parseLong(Files.readString(work.resolve(dirs + "-run/livesync.pid")).strip());
    ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
    ws.closing(() -> { // by pid, if a failed assertion left it running
      if (h.isAlive()) {
        h.destroyForcibly();
        h.onExit().get();
      }
    });
    return h;
  }

  @Test
  void aRuntimeDirWhereNothingRunsIsSaidAndTheDefaultConfigsLivesyncKeepsRunning() throws Exception {
    assumeTrue(DataSafetyTest.canUnshareMounts(), "needs unshare -m (root, mount namespaces)");
    Path srcA = Files.createDirectories(work.resolve("a-src")), dstA = work.resolve("a-dst");
    Path srcB = Files.createDirectories(work.resolve("b-src")), dstB = work.resolve("b-dst");
    String defaultConfig = "state_dir = \"" + work.resolve("a-journal") + "\"\n"
        + "[[sync]]\nname = \"www\"\nsource = \"" + srcA + "\"\n  [[sync.target]]\n  url = \"" + dstA + "\"\n";
    List<String> nsA = withDefaultConfig("ns-a", defaultConfig), nsC = withDefaultConfig("ns-c", defaultConfig);

    // A: the default instance (start with no arguments: /etc/livesync/livesync.toml)
    var startA = command(nsA, "a", "start");
    assertThat(startA.awaitExit(Duration.ZERO)).as(startA.output()).isZero();
    ProcessHandle a = started("a");
    // B: another's, in a runtime dir of its own
    var startB = command(List.of(), "b", "start", srcB.toString(), dstB.toString(), "--state-dir", work.resolve("b-journal").toString());
    assertThat(startB.awaitExit(Duration.ZERO)).as(startB.output()).isZero();
    ProcessHandle b = started("b");

    // C: a runtime dir where nothing runs, on a host where the default config exists
    Path socketC = work.resolve("c-run/livesync.sock");
    var status = command(nsC, "c", "status");
    assertThat(status.awaitExit(Duration.ZERO)).as(status.output()).isEqualTo(StatusCommand.NOT_RUNNING);
    assertThat(status.output()).contains("livesync is not running (nothing answers on " + socketC + "); LIVESYNC_RUNTIME_DIR=")
        .doesNotContain("pid " + a.pid());
    var stop = command(nsC, "c", "stop");
    assertThat(stop.awaitExit(Duration.ZERO)).as(stop.output()).isZero();
    assertThat(stop.output()).contains("livesync is not running (nothing answers on " + socketC + "); LIVESYNC_RUNTIME_DIR=")
        .doesNotContain("stopped");
    assertThat(a.isAlive()).as("the default config's livesync, not named").isTrue();
    assertThat(b.isAlive()).isTrue();

    // B's runtime dir names B: it stops, and A keeps running
    var stopB = command(nsC, "b", "stop");
    assertThat(stopB.awaitExit(Duration.ZERO)).as(stopB.output()).isZero();
    assertThat(stopB.output()).contains("livesync stopped (pid " + b.pid());
    b.onExit().get(CONVERGE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertThat(a.isAlive()).as("the default config's livesync, not named").isTrue();

    // A's own runtime dir names A (not --config: that would look for whatever on this host runs that path)
    var stopA = command(nsC, "a", "stop");
    assertThat(stopA.awaitExit(Duration.ZERO)).as(stopA.output()).isZero();
    assertThat(stopA.output()).contains("livesync stopped (pid " + a.pid());
  }
}
