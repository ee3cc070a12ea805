package dev.livesync.server;

import static dev.livesync.server.ServeTestSupport.freePort;
import static dev.livesync.server.ServeTestSupport.passwordFile;
import static dev.livesync.server.ServeTestSupport.rsync;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.testing.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsyncServerTest {
  @TempDir Path tmp;

  private ServeSpec spec(int port, Path backup, Path pw) {
    return new ServeSpec(
        "127.0.0.1", port, null, tmp.resolve("run"),
        List.of(new ServeModule("nfsbackup", backup, "rsync_backup", pw, "test", false, List.of("127.0.0.1/32"), 4, null, null)));
  }

  @Test
  void realRsyncClientPushesWithThePasswordAndAWrongPasswordIsRefused() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/sub"));
    Files.writeString(src.resolve("a.txt"), "hello");
    Files.write(tmp.resolve("src/b.bin"), new byte[100_000]);
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    Path wrong = passwordFile(tmp, "guess", "rw-------");
    int port = freePort();
    Path secrets;
    try (RsyncServer server = RsyncServer.start(spec(port, backup, pw))) {
      assertThat(server.pid()).isPositive();
      secrets = server.spec().secretsFile(server.spec().modules().getFirst());
      assertThat(Files.readString(secrets)).isEqualTo("rsync_backup:s3cret\n");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");

      StringBuilder log = new StringBuilder();
      String url = "rsync://rsync_backup@127.0.0.1:" + port + "/nfsbackup/";
      int refused = rsync(log, "-a", "--password-file=" + wrong, tmp.resolve("src") + "/", url);
      assertThat(refused).as(log.toString()).isEqualTo(5);
      assertThat(log).contains("auth failed");
      assertThat(backup).isEmptyDirectory();

      int ok = rsync(log, "-a", "--password-file=" + pw, tmp.resolve("src") + "/", url);
      assertThat(ok).as(log.toString()).isZero();
      assertThat(Files.readString(backup.resolve("sub/a.txt"))).isEqualTo("hello");
      assertThat(Files.size(backup.resolve("b.bin"))).isEqualTo(100_000);
    }
    assertThat(secrets).as("the daemon's copy of the password outlives it").doesNotExist();
    // nor its config, nor the lock file of its max connections: the runtime dir is left empty
    assertThat(tmp.resolve("run")).isEmptyDirectory();
  }

  /**
   * The daemon asks the resolver for no client's name (a slow resolver would delay every batch),
   * except in a module whose hosts allow names a host: there the name is looked up and matched.
   */
  @Test
  void clientNamesAreLookedUpOnlyForAModuleThatAllowsAHostByName() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "x");
    Path byAddress = Files.createDirectories(tmp.resolve("by-address"));
    Path byName = Files.createDirectories(tmp.resolve("by-name"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    Path daemonLog = tmp.resolve("rsyncd.log");
    int port = freePort();
    var spec = new ServeSpec("127.0.0.1", port, daemonLog, tmp.resolve("run"), List.of(
        new ServeModule("byaddress", byAddress, "rsync_backup", pw, null, false, List.of("10.0.0.0/8", "127.0.0.1"), 0, null, null),
        new ServeModule("byname", byName, "rsync_backup", pw, null, false, List.of("localhost"), 0, null, null)));
    try (RsyncServer server = RsyncServer.start(spec)) {
      StringBuilder log = new StringBuilder();
      for (String module : List.of("byaddress", "byname")) {
        int code = rsync(log, "-a", "--password-file=" + pw, src + "/", "rsync://rsync_backup@127.0.0.1:" + port + "/" + module + "/");
        assertThat(code).as(module + ": " + log).isZero();
      }
      assertThat(byAddress.resolve("f")).hasContent("x");
      assertThat(byName.resolve("f")).as("localhost, found by the lookup the module asks for").hasContent("x");
      Await.until("both sessions logged", Await.CONVERGE, () -> Files.readString(daemonLog).contains("rsync to byname/"), () -> Files.readString(daemonLog));
      String logged = Files.readString(daemonLog);
      assertThat(logged).contains("access on module byaddress from UNDETERMINED (127.0.0.1)", "access on module byname from localhost (127.0.0.1)");
    }
  }

  @Test
  void restartsTheDaemonWhenItDies() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    int port = freePort();
    try (RsyncServer server = RsyncServer.start(spec(port, backup, pw))) {
      long first = server.pid();
      new ProcessBuilder("kill", "-KILL", Long.toString(first)).start().waitFor();
      Await.until("a new daemon listening on " + port, Await.CONVERGE, () -> server.pid() != first && Listeners.listening(port),
          () -> "pid " + server.pid() + " (killed " + first + "), listening: " + Listeners.listening(port));
      assertThat(server.pid()).isNotEqualTo(first);
      assertThat(server.restarts()).isEqualTo(1);
      Path src = Files.createDirectories(tmp.resolve("src"));
      Files.writeString(src.resolve("x"), "after restart");
      StringBuilder log = new StringBuilder();
      // the port is listening again: a push succeeds
      int ok = rsync(log, "-a", "--password-file=" + pw, src + "/", "rsync://rsync_backup@127.0.0.1:" + port + "/nfsbackup/");
      assertThat(ok).as(log.toString()).isZero();
      assertThat(Files.readString(backup.resolve("x"))).isEqualTo("after restart");
    }
  }

  @Test
  void stopEndsTheDaemonProcess() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    int port = freePort();
    RsyncServer server = RsyncServer.start(spec(port, backup, passwordFile(tmp, "pw", "rw-------")));
    ProcessHandle daemon = ProcessHandle.of(server.pid()).orElseThrow();
    assertThat(server.stop()).isTrue();
    assertThat(daemon.isAlive()).isFalse();
    assertThat(Listeners.listening(port)).isFalse();
  }

  @Test
  void portInUseIsNamedWithWhoToAsk() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = busy.getLocalPort();
      assertThatThrownBy(() -> RsyncServer.start(spec(port, backup, pw)))
          .isInstanceOf(LivesyncException.class)
          .hasMessageContaining("port " + port + " is already in use")
          .hasMessageContaining("ss -ltnp");
    }
    assertThat(tmp.resolve("run")).doesNotExist();
  }

  @Test
  void missingPathLoosePasswordFileAndMissingUserAreAllReported() throws Exception {
    Path loose = passwordFile(tmp, "s3cret", "rw-r--r--");
    ServeSpec bad =
        new ServeSpec("127.0.0.1", freePort(), null, tmp.resolve("run"),
            List.of(new ServeModule("nfsbackup", tmp.resolve("nope"), null, loose, null, false, List.of(), 0, null, null)));
    assertThatThrownBy(() -> RsyncServer.start(bad))
        .isInstanceOf(LivesyncException.class)
        .hasMessageContaining("path " + tmp.resolve("nope") + " does not exist")
        .hasMessageContaining("no user")
        .hasMessageContaining("accessible by its group or others (mode 0644): run 'chmod 600 " + loose + "'");
    Path groupReadable = passwordFile(tmp, "s3cret", "rw-r-----");
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    assertThatThrownBy(() -> RsyncServer.start(spec(freePort(), backup, groupReadable)))
        .hasMessageContaining("accessible by its group or others (mode 0640)");
    Path empty = tmp.resolve("empty");
    Files.createFile(empty, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    assertThatThrownBy(() -> RsyncServer.start(spec(freePort(), backup, empty))).hasMessageContaining("is empty");
    assertThatThrownBy(() -> RsyncServer.start(spec(freePort(), backup, tmp.resolve("nopw"))))
        .hasMessageContaining("password file " + tmp.resolve("nopw") + " does not exist");
  }
}
