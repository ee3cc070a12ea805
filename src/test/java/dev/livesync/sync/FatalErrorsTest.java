package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An out-of-memory error in a worker (injected: the transport throws it) ends the process with exit
 * code 70 instead of leaving it half alive, its target waiting for a transfer that never ends. Runs
 * the engine in a child JVM (this class's {@link #main}), since the process halts.
 */
class FatalErrorsTest {
  @Test
  void anOutOfMemoryErrorInAWorkerEndsTheProcessWith70() throws Exception {
    byte[] src = Trees.tempDir("fatal-src"), dst = Trees.tempDir("fatal-dst"), state = Trees.tempDir("fatal-state");
    String java = ProcessHandle.current().info().command().orElse("java");
    Path err = Files.createTempFile("fatal", ".err");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FatalErrorsTest.class.getName(),
        Bytes.latin1(src), Bytes.latin1(dst), Bytes.latin1(state)).redirectErrorStream(true).redirectOutput(err.toFile()).start();
    try {
      boolean ended = p.waitFor(90, TimeUnit.SECONDS);
      String out = Files.readString(err);
      assertThat(ended).as("the process ended; its output:%n%s", out).isTrue();
      assertThat(p.exitValue()).as(out).isEqualTo(70);
      assertThat(out).contains("java.lang.OutOfMemoryError: injected").contains("exiting with code 70");
    } finally {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(err);
      for (byte[] d : List.of(src, dst, state)) Trees.delete(d);
    }
  }

  /** The child: a replicator whose transport runs out of memory on the first send after the initial sync. */
  public static void main(String[] args) throws Exception {
    byte[] src = Bytes.of(args[0]);
    var transport = new ForwardingTransport(RsyncTransport.open(src, args[1], TargetOptions.builder().build())) {
      @Override
      public TransferResult send(List<byte[]> paths, boolean recursive) {
        throw new OutOfMemoryError("injected");
      }

      @Override
      public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) {
        throw new OutOfMemoryError("injected");
      }
    };
    var settings = EngineSettings.builder("fatal", src).stateDir(Path.of(args[2])).build();
    var r = Replicator.start(settings, List.of(transport), null);
    Trees.write(at(src, "a-file"), "written after the start");
    Thread.sleep(Duration.ofSeconds(60));
    r.stop(Duration.ofSeconds(5));
    System.exit(0); // not reached when the error ends the process
  }
}
