package dev.livesync.cli;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher runs the JVM in a UTF-8 locale whatever its caller's: with no LANG at all (cron,
 * containers, systemd units) the JVM's file names are ASCII, and a source with a non-ASCII byte in
 * its path ended in an internal error before anything was watched.
 */
class LauncherLocaleTest {
  @Test
  void aNonAsciiSourceIsReplicatedWithNoLocaleInTheEnvironment() throws Exception {
    byte[] base = Trees.tempDir("launcher-locale");
    Trees.write(at(base, "s\u00f6/f\u00e4"), "a file in a directory whose name is not ASCII");
    Path out = Files.createTempFile("launcher-locale", ".log");
    Path launcher = Path.of("livesync").toAbsolutePath();
    // the shell makes the non-ASCII bytes: this JVM's own command lines may be ASCII only
    // an empty environment but for the suite's lock dir (pom.xml): the host's /run/livesync/targets is not the tests'
    var pb = new ProcessBuilder(List.of("env", "-i", "PATH=/usr/bin:/bin", "JAVA_HOME=" + System.getProperty("java.home"),
        "LIVESYNC_LOCK_DIR=" + Path.of(System.getProperty("livesync.lock.dir", "target/target-locks")).toAbsolutePath(), "sh", "-c",
        "s=\"$1/s$(printf '\\303\\266')\"; exec \"$0\" run \"$s\" \"$1/dst\" --state-dir \"$1/state\" --status-socket \"$1/status.sock\"",
        launcher.toString(), Trees.path(base).toString()))
        .redirectErrorStream(true).redirectOutput(out.toFile());
    Process p = pb.start();
    try {
      Await.until("the file at the target", Await.CONVERGE, () -> Trees.exists(at(base, "dst/f\u00e4")) || !p.isAlive(),
          () -> readQuietly(out));
      assertThat(Trees.exists(at(base, "dst/f\u00e4"))).as(readQuietly(out)).isTrue();
    } finally {
      p.destroy(); // the launcher execs the JVM: this pid is livesync's
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
      Trees.delete(base);
      Files.deleteIfExists(out);
    }
  }

  private static String readQuietly(Path f) {
    try {
      return Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
