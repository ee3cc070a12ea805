package dev.livesync.ops;

import dev.livesync.ops.service.ServiceRoundTripTest;

import dev.livesync.ops.service.ServiceFiles;
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
 * carry the date, as a file read days later needs. With log_file set, each line is written once,
 * there: start's own file keeps only what cannot go to it (it held every line a second time).
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

  /** Starts a sync of {@code src} to {@code dst} with config lines {@code top}; returns start's output. */
  private String start(Path src, Path dst, String top) throws Exception {
    Path config = Files.writeString(tmp.resolve("c.toml"), top + "[[sync]]\nname = \"web\"\nsource = \"" + src
        + "\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n");
    var start = ServiceRoundTripTest.cli("start", "--wait", "30s", "--config", config.toString());
    assertThat(start.code()).as(start.err()).isZero();
    long pid = Long.parseLong(Files.readString(ServiceFiles.defaults().pidFile()).trim());
    started = ProcessHandle.of(pid).orElseThrow();
    return start.out();
  }

  private void hup() throws Exception {
    new ProcessBuilder("kill", "-HUP", Long.toString(started.pid())).start().waitFor();
  }

  @Test
  void sighupReopensStartsOwnLogAfterLogrotateRenamedIt() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path state = tmp.resolve("journal");
    String said = start(src, dst, "state_dir = \"" + state + "\"\n");
    Path out = state.resolve("livesync.log");
    assertThat(said).contains("log: " + out + ";");
    Await.until("running logged", Duration.ofSeconds(30), () -> Files.readString(out).contains("running: 1 sync(s)"), () -> Files.readString(out));

    assertThat(mode(out)).as("start's log as start made it").isEqualTo("rw-r-----");
    Files.move(out, state.resolve("livesync.log.1"));
    hup();
    Await.until("the log reopened", Duration.ofSeconds(30), () -> Files.exists(out) && Files.readString(out).contains("SIGHUP: log reopened"),
        () -> Files.readString(state.resolve("livesync.log.1")));
    Files.writeString(src.resolve("after-rotation"), "x");
    Await.until("the send logged in the new file", Duration.ofSeconds(30), () -> Files.readString(out).contains("1 files"), () -> Files.readString(out));

    assertThat(Files.readString(out)).contains("SIGHUP: log reopened: " + out + "\n")
        .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  RunCommand: SIGHUP: log reopened");
    assertThat(Files.readString(state.resolve("livesync.log.1"))).contains("running: 1 sync(s)").doesNotContain("log reopened", "1 files");
    assertThat(mode(out)).as("start's log as the run made it again").isEqualTo("rw-r-----");
    var stop = ServiceRoundTripTest.cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(Files.readString(out)).contains("SIGTERM: stopping");
  }

  @Test
  void withALogFileEachLineIsWrittenOnceThereAndBothAreReopened() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path state = tmp.resolve("journal");
    Path appLog = tmp.resolve("logs/app.log");
    Files.createDirectories(appLog.getParent());
    String said = start(src, dst, "state_dir = \"" + state + "\"\nlog_file = \"" + appLog + "\"\n");
    Path out = state.resolve("livesync.log");
    assertThat(said).contains("log: " + appLog + " (its other output: " + out + ");");
    Await.until("running logged", Duration.ofSeconds(30), () -> Files.readString(appLog).contains("running: 1 sync(s)"), () -> Files.readString(appLog));

    Files.move(out, state.resolve("livesync.log.1"));
    Files.move(appLog, tmp.resolve("logs/app.log.1"));
    hup();
    Await.until("the log reopened", Duration.ofSeconds(30), () -> Files.exists(appLog) && Files.readString(appLog).contains("SIGHUP: log reopened"),
        () -> Files.readString(tmp.resolve("logs/app.log.1")));
    Files.writeString(src.resolve("after-rotation"), "x");
    Await.until("the send logged in the new file", Duration.ofSeconds(30), () -> Files.readString(appLog).contains("1 files"), () -> Files.readString(appLog));
    var stop = ServiceRoundTripTest.cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();

    String before = Files.readString(tmp.resolve("logs/app.log.1")), after = Files.readString(appLog);
    assertThat(before).contains("running: 1 sync(s)").doesNotContain("log reopened", "1 files");
    assertThat(after).contains("SIGHUP: log reopened: " + out + ", " + appLog, "SIGTERM: stopping", "stopped");
    assertThat(occurrences(before + after, "running: 1 sync(s)")).isEqualTo(1);
    // start's own file, reopened too (it exists again), holds none of the log's lines
    assertThat(out).exists();
    assertThat(Files.readString(out) + Files.readString(state.resolve("livesync.log.1")))
        .doesNotContain("running: 1 sync(s)", "log reopened", "1 files", "SIGTERM", "RunCommand:");
  }

  @Test
  void aLogFileThatIsStartsOwnFileGetsEachLineOnce() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path state = tmp.resolve("journal");
    Path out = state.resolve("livesync.log");
    String said = start(src, dst, "state_dir = \"" + state + "\"\nlog_file = \"" + out + "\"\n");
    assertThat(said).contains("log: " + out + ";");
    Await.until("running logged", Duration.ofSeconds(30), () -> Files.readString(out).contains("running: 1 sync(s)"), () -> Files.readString(out));
    var stop = ServiceRoundTripTest.cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(occurrences(Files.readString(out), "running: 1 sync(s)")).isEqualTo(1);
    assertThat(occurrences(Files.readString(out), "SIGTERM: stopping")).isEqualTo(1);
  }

  private static int occurrences(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
    return n;
  }

  private static String mode(Path f) throws java.io.IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
  }
}
