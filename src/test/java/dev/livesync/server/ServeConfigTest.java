package dev.livesync.server;

import static dev.livesync.server.ServeTestSupport.cli;
import static dev.livesync.server.ServeTestSupport.freePort;
import static dev.livesync.server.ServeTestSupport.passwordFile;
import static dev.livesync.server.ServeTestSupport.rsync;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.ops.service.BackgroundLauncher;
import dev.livesync.testing.Await;
import dev.livesync.testing.TempFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve from the [serve] section of a config file, as a real process stopped by SIGTERM. */
class ServeConfigTest {
  @TempDir Path tmp;

  private Path config(int port, Path backup, Path pub, Path pw) throws Exception {
    Path f = tmp.resolve("livesync.toml");
    Files.writeString(f, """
        [serve]
        address = "127.0.0.1"
        port = %d

          [[serve.module]]
          name = "nfsbackup"
          path = "%s"
          user = "rsync_backup"
          password_file = "%s"
          hosts_allow = ["127.0.0.1"]
          max_connections = 3

          [[serve.module]]
          name = "public"
          path = "%s"
          read_only = true
          comment = "read-only, no password"
        """.formatted(port, backup, pw, pub));
    return f;
  }

  @Test
  void printConfigRendersEveryModule() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pub = Files.createDirectories(tmp.resolve("pub"));
    Path conf = config(8873, backup, pub, passwordFile(tmp, "s3cret", "rw-------"));
    var r = cli("serve", "--config", conf.toString(), "--runtime-dir", tmp.resolve("run").toString(), "--print-config");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("port = 8873\n", "address = 127.0.0.1\n")
        .contains("[nfsbackup]\n", "auth users = rsync_backup\n", "max connections = 3\n", "hosts allow = 127.0.0.1\n")
        .contains("[public]\n", "comment = read-only, no password\n", "path = " + pub + "\n", "read only = true\n");
    String publicSection = r.out().substring(r.out().indexOf("[public]"));
    assertThat(publicSection).doesNotContain("auth users", "secrets file");
  }

  @Test
  void aMissingServeSectionIsNamed() throws Exception {
    Path f = tmp.resolve("empty.toml");
    Files.writeString(f, """
        [[sync]]
        name = "data"
        source = "%s"
          [[sync.target]]
          url = "%s"
        """.formatted(Files.createDirectories(tmp.resolve("src")), tmp.resolve("elsewhere")));
    var r = cli("serve", "--config", f.toString(), "--print-config");
    assertThat(r.code()).isEqualTo(78);
    assertThat(r.err()).contains(f + " has no [serve] section");
  }

  private static List<Path> secretsUnder(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("secrets")).toList();
    }
  }

  @Test
  void servesFromTheConfigAndSigtermStopsTheDaemonToo() throws Exception {
    Path backup = Files.createDirectories(tmp.resolve("backup"));
    Path pub = Files.createDirectories(tmp.resolve("pub"));
    Files.writeString(pub.resolve("readme.txt"), "public file");
    Path pw = passwordFile(tmp, "s3cret", "rw-------");
    int port = freePort();
    Path conf = config(port, backup, pub, pw);
    List<String> cmd = BackgroundLauncher.selfCommand(dev.livesync.cli.Main.class.getName(), List.of("serve", "--config", conf.toString(), "--runtime-dir", tmp.resolve("run").toString()));
    Path log = tmp.resolve("serve.log");
    Process serve = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try {
      Await.until("serve listening on " + port, Await.CONVERGE, () -> Listeners.listening(port), () -> !serve.isAlive(), () -> TempFiles.readOrEmpty(log));
      assertThat(Listeners.listening(port)).as(Files.readString(log)).isTrue();
      List<ProcessHandle> daemons = serve.toHandle().children().toList();
      assertThat(daemons).hasSize(1);

      Path src = Files.createDirectories(tmp.resolve("src"));
      Files.writeString(src.resolve("a"), "pushed");
      StringBuilder out = new StringBuilder();
      assertThat(rsync(out, "-a", "--password-file=" + pw, src + "/", "rsync://rsync_backup@127.0.0.1:" + port + "/nfsbackup/"))
          .as(out.toString()).isZero();
      assertThat(Files.readString(backup.resolve("a"))).isEqualTo("pushed");
      Path fetched = Files.createDirectories(tmp.resolve("fetched"));
      assertThat(rsync(out, "-a", "rsync://127.0.0.1:" + port + "/public/", fetched + "/")).as(out.toString()).isZero();
      assertThat(Files.readString(fetched.resolve("readme.txt"))).isEqualTo("public file");
      assertThat(rsync(out, "-a", src + "/", "rsync://127.0.0.1:" + port + "/public/")).isNotZero();

      assertThat(secretsUnder(tmp.resolve("run"))).as("the daemon's secrets file while it runs").isNotEmpty();
      serve.destroy(); // SIGTERM
      assertThat(serve.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(secretsUnder(tmp.resolve("run"))).as("no copy of a password (secrets.*, secrets.bk) outlives serve").isEmpty();
      for (ProcessHandle d : daemons) {
        d.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(d.isAlive()).isFalse();
      }
      assertThat(Listeners.listening(port)).isFalse();
      assertThat(Files.readString(log)).contains("rsync daemon stopped").doesNotContain("s3cret");
    } finally {
      serve.destroyForcibly();
    }
  }
}
