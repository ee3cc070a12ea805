package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.transport.Transport.Reachability;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reachability probe against a real rsync daemon on loopback: up, stopped, up again. */
class PortProbeTest {
  @TempDir Path tmp;

  @Test
  void aDaemonTargetIsUpWhileItsDaemonListensAndDownWhenItIsStopped() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    try (var daemon = RsyncDaemon.start(Files.createDirectories(tmp.resolve("data")))) {
      var t = RsyncTransport.open(Bytes.of(src.toString()), daemon.url(), TargetOptions.builder().passwordFile(daemon.passwordFile()).build());
      assertThat(t.probe()).isEqualTo(Reachability.UP);
      daemon.stop();
      assertThat(t.probe()).isEqualTo(Reachability.DOWN);
      daemon.start();
      assertThat(t.probe()).isEqualTo(Reachability.UP);
    }
  }

  @Test
  void aLocalTargetCannotTell() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    var t = RsyncTransport.open(Bytes.of(src.toString()), tmp.resolve("copy").toString(), TargetOptions.defaults());
    assertThat(t.probe()).isEqualTo(Reachability.UNKNOWN);
  }

  @Test
  void anSshHostOnlySshConfigKnowsCannotTell() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    var t = RsyncTransport.open(Bytes.of(src.toString()), "backup-alias.invalid:/srv/copy", TargetOptions.defaults());
    assertThat(t.probe()).isEqualTo(Reachability.UNKNOWN);
  }
}
