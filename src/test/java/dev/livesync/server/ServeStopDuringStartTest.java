package dev.livesync.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.LivesyncProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code livesync serve} stopped (SIGTERM, as systemd stops it) while its rsync daemon is still
 * starting: it exits 0, the daemon it started goes with it, and the daemon's copy of the password
 * does not stay on disk. The daemon is made slow to start by a wrapper first on PATH (failure
 * injection): it writes its pid, waits 3 s, then runs the real rsync.
 */
class ServeStopDuringStartTest {
  @Test
  void aSigtermWhileTheDaemonStartsStopsItAndExitsZero(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path started = dir.resolve("rsync-daemon-pid");
    Path wrapper = bin.resolve("rsync");
    Files.writeString(wrapper, "#!/bin/sh\ncase \" $* \" in *\" --daemon \"*) echo $$ > '" + started + ".part'; mv '" + started + ".part' '"
        + started + "'; sleep 3;; esac\nexec /usr/bin/rsync \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path module = Files.createDirectories(dir.resolve("module"));
    Path runtime = dir.resolve("run");
    Path pw = ServeTestSupport.passwordFile(dir, "s3cret", "rw-------");
    int port = ServeTestSupport.freePort();
    long daemonPid = -1;
    try (var p = LivesyncProcess.start(List.of("serve", "--module", "m", "--path", module.toString(), "--user", "u", "--password-file",
        pw.toString(), "--address", "127.0.0.1", "--port", Integer.toString(port), "--runtime-dir", runtime.toString()),
        Map.of("PATH", bin + ":" + System.getenv("PATH")))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.exists(started) && p.alive() && System.nanoTime() < deadline) Thread.sleep(20);
      assertThat(started).as(p.output()).exists();
      daemonPid = Long.parseLong(Files.readString(started).trim());
      assertThat(Files.exists(runtime.resolve("secrets.m"))).as("the daemon's password file, written before it starts").isTrue();

      p.signal("TERM");
      int exit = p.awaitExit(Duration.ofSeconds(30));

      assertThat(exit).as(p.output()).isZero();
      assertThat(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false)).as("the rsync daemon it started").isFalse();
      assertThat(runtime.resolve("secrets.m")).doesNotExist();
    } finally {
      if (daemonPid > 0) ProcessHandle.of(daemonPid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
