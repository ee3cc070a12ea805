package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An internal error that stops a sync's engine loop (injected: a delivery listener that throws on
 * the loop thread) leaves the sync shown as failed, with what happened and what comes next, until
 * the process exits — not as a quiet "stopped" that status, the page and metrics would pass over.
 */
class InternalErrorStatusTest {
  final byte[] src = Trees.tempDir("ls-src");
  final byte[] dst = Trees.tempDir("ls-dst");
  final Path state = Trees.path(Trees.tempDir("ls-state"));
  Replicator r;

  @AfterEach
  void stop() throws Exception {
    if (r != null) r.stop(Duration.ofSeconds(5));
    for (byte[] d : List.of(src, dst)) Trees.delete(d);
  }

  @Test
  void aSyncStoppedByAnInternalErrorIsFailedWithItsCause() throws Exception {
    var s = EngineSettings.builder("test", src).stateDir(state).delay(Duration.ofMillis(50)).build();
    r = Replicator.start(s, List.of(new LocalRsyncTransport(src, dst, List.of())), new DeliveryListener() {
      @Override
      public void delivered(String target, WorkItem item, dev.livesync.transport.TransferResult result, long nowNanos) {}

      @Override
      public void finished(String target, WorkItem item, dev.livesync.transport.TransferResult result, long nowNanos) {
        if (item instanceof WorkItem.Send) throw new IllegalStateException("injected failure");
      }
    });
    Trees.write(Bytes.child(src, Bytes.of("a")), "a");
    // (the loop records the error, then publishes its last status)
    Await.until("status failed", Duration.ofSeconds(30), () -> r.status().state().equals("failed"), r::status);
    EngineStatus st = r.status();
    assertThat(st.state()).as(st.toString()).isEqualTo("failed");
    assertThat(r.crashed()).hasMessage("injected failure");
    assertThat(st.problem()).contains("stopped by an internal error (java.lang.IllegalStateException: injected failure)")
        .contains("exits with code 70");
  }
}
