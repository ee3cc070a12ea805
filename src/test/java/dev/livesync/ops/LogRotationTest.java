package dev.livesync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logrotate's rename-and-HUP: a livesync started in the background wrote on into the renamed files
 * for good (the new ones stayed empty, the old ones grew without bound). SIGHUP now opens both of its
 * logs again by name — the file start appends its output to, and log_file — and start's log lines
 * carry the date, as a file read days later needs.
 */
class LogRotationTest {
  @TempDir Path tmp;
  private ProcessHandle started;

  @BeforeEach
  void dirs() {
    System.setProperty("livesync.runtime.dir", tmp.resolve("run").toString());
    System.setProperty("livesync.state.dir", tmp.resolve("state").toString());
  }

  @AfterEach
  void cleanup() {
    if (started != null) started.destroyForcibly();
    System.clearProperty("livesync.runtime.dir");
    System.clearProperty("livesync.state.dir");
  }

  @Test
  void sighupReopensBothLogsAfterLogrotateRenamedThem() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path state = tmp.resolve("journal");
    Path appLog = tmp.resolve("logs/app.log");
    Files.createDirectories(appLog.getParent());
    Path config = Files.writeString(tmp.resolve("c.toml"), "state_dir = \"" + state + "\"\nlog_file = \"" + appLog
        + "\"\n[[sync]]\nname = \"web\"\nsource = \"" + src + "\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n");
    var start = ServiceRoundTripTest.cli("start", "--wait", "30s", "--config", config.toString());
    assertThat(start.code()).as(start.err()).isZero();
    long pid = Long.parseLong(Files.readString(ServiceFiles.defaults().pidFile()).trim());
    started = ProcessHandle.of(pid).orElseThrow();
    Path out = state.resolve("livesync.log");
    Await.until("running logged", Duration.ofSeconds(30), () -> Files.readString(out).contains("running: 1 sync(s)"), () -> Files.readString(out));

    Files.move(out, state.resolve("livesync.log.1"));
    Files.move(appLog, tmp.resolve("logs/app.log.1"));
    new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start().waitFor();
    Await.until("the log reopened", Duration.ofSeconds(30), () -> Files.exists(out) && Files.readString(out).contains("SIGHUP: log reopened"),
        () -> Files.readString(state.resolve("livesync.log.1")));
    Files.writeString(src.resolve("after-rotation"), "x");
    Await.until("the send logged in both new files", Duration.ofSeconds(30),
        () -> Files.readString(out).contains("1 files") && Files.exists(appLog) && Files.readString(appLog).contains("1 files"),
        () -> Files.readString(out));

    assertThat(Files.readString(out)).contains("SIGHUP: log reopened: " + out + ", " + appLog)
        .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  RunCommand: SIGHUP: log reopened");
    assertThat(Files.readString(appLog)).contains("SIGHUP: log reopened");
    assertThat(Files.readString(state.resolve("livesync.log.1"))).contains("running: 1 sync(s)").doesNotContain("log reopened", "1 files");
    assertThat(Files.readString(tmp.resolve("logs/app.log.1"))).contains("running: 1 sync(s)").doesNotContain("log reopened", "1 files");
    var stop = ServiceRoundTripTest.cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(Files.readString(out)).contains("SIGTERM: stopping");
  }
}
