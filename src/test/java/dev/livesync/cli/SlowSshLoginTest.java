package dev.livesync.cli;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.FreePort;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.TempFiles;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code livesync run} to an ssh target (a real sshd on loopback) says in its log, once, when every
 * rsync run waits for the remote login shell's startup files, without anyone running {@code doctor};
 * and {@code status} says it on the target's line.
 */
class SlowSshLoginTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  static final Pattern WAITS = Pattern.compile("every rsync run waits (\\d+\\.\\d\\d) s for the remote login shell's startup files");
  final Path work = TempFiles.dir("slow-ssh");
  final int httpPort = FreePort.find();
  LivesyncProcess run;

  @AfterEach
  void cleanUp() {
    if (run != null) run.close();
    SSHD.get().loginShellRc("");
    TempFiles.deleteTree(work);
  }

  private LivesyncProcess start(String logLevel) throws Exception {
    var sshd = SSHD.get();
    Path src = Files.createDirectories(work.resolve("src"));
    Path dst = Files.createDirectories(work.resolve("dst"));
    run = LivesyncProcess.start(List.of("run", src.toString(), "root@127.0.0.1:" + dst, "--ssh-key", sshd.clientKey().toString(),
        "--ssh-port", Integer.toString(sshd.port()), "--known-hosts", sshd.knownHostsFile().toString(),
        "--state-dir", work.resolve("state").toString(), "--status-socket", work.resolve("status.sock").toString(),
        "--delay", "50ms", "--log-level", logLevel, "--http", "127.0.0.1:" + httpPort));
    // a few sends: the look is taken beside a run once the connection master is up
    for (int i = 0; i < 3; i++) {
      Trees.write(at(Bytes.of(src.toString()), "f" + i), "content " + i);
      Trees.awaitSameTree(Bytes.of(src.toString()), Bytes.of(dst.toString()), CONVERGE, Trees.Ignore.DIR_MTIMES);
    }
    return run;
  }

  @Test
  void aSlowLoginShellIsWarnedAboutOnceWithWhatItCosts() throws Exception {
    SSHD.get().loginShellRc("sleep 0.4\n");
    LivesyncProcess p = start("info");
    p.awaitOutput(o -> WAITS.matcher(o).find(), CONVERGE);
    Matcher m = WAITS.matcher(p.output());
    assertThat(m.find()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).as(p.output()).isGreaterThanOrEqualTo(0.39);
    assertThat(m.find()).as("said once: " + p.output()).isFalse();
    assertThat(p.output()).contains("~/.bashrc", "daemon target", "livesync doctor");

    // and status says it on the target's line for as long as the sync runs (published within a second)
    Pattern line = Pattern.compile("-> root@127\\.0\\.0\\.1:\\S+: ok;.*; WARNING: every rsync run waits \\d+\\.\\d\\d s for the"
        + " remote login shell's startup files \\(see 'livesync doctor'\\)");
    String said = Await.value("status with the warning", CONVERGE, this::status, o -> line.matcher(o).find(), o -> o);
    assertThat(said).containsPattern(line);
    // and /metrics, for an alert
    assertThat(metrics()).containsPattern("(?m)^livesync_target_warning\\{sync=\"[^\"]+\",target=\"root@127\\.0\\.0\\.1:[^\"]+\"\\} 1\\.0$");
  }

  @Test
  void aQuickOneIsOnlyADebugLine() throws Exception {
    LivesyncProcess p = start("debug");
    p.awaitOutput("an ssh session opens in", CONVERGE);
    assertThat(p.output()).doesNotContain("every rsync run waits");
    assertThat(metrics()).containsPattern("(?m)^livesync_target_warning\\{[^}]+\\} 0\\.0$");
  }

  private String metrics() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build();
    return http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  private String status() throws InterruptedException {
    try (LivesyncProcess status = LivesyncProcess.start(List.of("status", "--status-socket", work.resolve("status.sock").toString()))) {
      status.awaitExit(CONVERGE);
      return status.output();
    }
  }
}
