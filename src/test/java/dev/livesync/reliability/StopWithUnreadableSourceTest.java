package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A source file livesync's rsync may not read fails at every attempt. A stop used to try it again
 * and again until stop_timeout ran out, so every stop (systemctl stop, a restart, a SIGHUP that
 * restarts the sync) took the whole bound. Now a target whose queued work has failed twice or more
 * is not tried again while stopping, as a target that is down is not; its work stays journaled.
 * The engine in-process, real rsync run as nobody (setpriv), a real local target.
 */
class StopWithUnreadableSourceTest {
  byte[] src;
  byte[] dst;
  byte[] state;
  Replicator r;

  @BeforeEach
  void trees() {
    src = Trees.tempDir("stop-unreadable-src");
    dst = Trees.tempDir("stop-unreadable-dst");
    state = Trees.tempDir("stop-unreadable-state");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      Trees.delete(src);
      Trees.delete(dst);
      Trees.delete(state);
    }
  }

  @Test
  void aStopDoesNotRetryASourceFileThatFailedAtEveryAttempt() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run rsync as nobody");
    Trees.chmod(src, 0755);
    Trees.chown(dst, 65534, 65534);
    Trees.write(at(src, "ok"), "readable");
    Trees.chmod(at(src, "ok"), 0644);
    var options = TargetOptions.builder()
        .rsyncCommand(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "rsync")).build();
    var s = EngineSettings.builder("stop-unreadable", src).stateDir(Trees.path(state))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(100), Duration.ofMillis(300)).build();
    try (var log = new LogCapture()) {
      r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), options)), null);
      Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
      Trees.write(at(src, "secret"), "unreadable to nobody");
      Trees.chmod(at(src, "secret"), 0);
      Await.until("the unreadable file failed twice", Await.CONVERGE, () -> r.status().targets().getFirst().failures() >= 2, r::status);
      Replicator stopping = r;
      r = null;
      stopping.stop(Duration.ofSeconds(20));
      assertThat(log.text()).contains("what it has queued failed at every attempt so far (1 path of the source cannot be read")
          .contains("so not tried again while stopping: 1 queued item(s) stay journaled for the next start");
    }
  }
}
