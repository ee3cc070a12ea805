package dev.livesync.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.LivesyncProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --http} on a port another process holds: refused in one line, exit 2 (as {@code run
 * --http} and serve's own {@code --port} are), before the rsync daemon starts — not a daemon that
 * starts, takes clients and is stopped again.
 */
class ServeHttpPortInUseTest {
  @Test
  void aHeldHttpPortRefusesServeBeforeItsDaemonStarts(@TempDir Path dir) throws Exception {
    Path module = Files.createDirectories(dir.resolve("module"));
    Path pw = ServeTestSupport.passwordFile(dir, "s3cret", "rw-------");
    int port = ServeTestSupport.freePort();
    try (var busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        var p = LivesyncProcess.start(List.of("serve", "--module", "m", "--path", module.toString(), "--user", "u", "--password-file",
            pw.toString(), "--address", "127.0.0.1", "--port", Integer.toString(port), "--runtime-dir", dir.resolve("run").toString(),
            "--http", "127.0.0.1:" + busy.getLocalPort()))) {
      assertThat(p.awaitExit(Duration.ofSeconds(60))).as(p.output()).isEqualTo(2);
      assertThat(p.output()).contains("livesync serve: cannot listen on 127.0.0.1:" + busy.getLocalPort()
          + " (--http): Address already in use (another process holds the port: `ss -ltnp 'sport = :" + busy.getLocalPort() + "'` shows which)\n");
      assertThat(p.output()).as("no rsync daemon was started").doesNotContain("RsyncServer").doesNotContain("rsyncd");
    }
  }
}
