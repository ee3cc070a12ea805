package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.testing.Await;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real child processes (sh, sleep, seq): the stderr tail, the grace period, and no process left behind. */
class ChildProcessTest {
  private static final Duration LONG = Duration.ofSeconds(60);

  /**
   * A process that has exited but that its parent (not us) has not reaped is stopped: livesync stop
   * waited for PID 1 to reap the replicator start had left behind, and said a drain of 20 ms took
   * 1.8 s; a zombie whose parent never reaps it was even taken as not stopping, and SIGKILLed.
   */
  @Test
  void aProcessThatExitedButIsNotReapedByItsParentCountsAsStopped() throws Exception {
    // sh starts a short sleep and becomes a long one, which never reaps it: it stays a zombie
    try (var parent = ChildProcess.command("sh", "-c", "sleep 0.2 & exec sleep 30").stdout(Redirect.DISCARD).start()) {
      ProcessHandle[] child = {null};
      dev.livesync.testing.Await.until("the background sleep", Duration.ofSeconds(10), () -> {
        child[0] = ProcessHandle.of(parent.pid()).flatMap(h -> h.children().findFirst()).orElse(null);
        return child[0] != null;
      }, () -> "no child of " + parent.pid());
      dev.livesync.testing.Await.until("a zombie", Duration.ofSeconds(10),
          () -> java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + child[0].pid() + "/stat")).contains(") Z "), () -> "");
      assertThat(child[0].isAlive()).as("the JDK still sees it").isTrue();
      assertThat(ChildProcess.stop(child[0], Duration.ofSeconds(2))).as("exited within the grace: no SIGKILL").isTrue();
    }
  }

  @Test
  void keepsTheLastStderrLinesOfAChildThatWritesMoreThanAPipeHolds() throws Exception {
    var seen = new int[1];
    try (var child = ChildProcess.command("sh", "-c", "seq 1 200000 >&2; echo on-stdout")
        .stdout(Redirect.DISCARD).tail(3).stderrLines(line -> seen[0]++).start()) {
      assertThat(child.waitFor(LONG)).as("exited (a child whose stderr nobody reads blocks on the full pipe)").isTrue();
      assertThat(child.exitValue()).isZero();
      assertThat(child.tailLines()).containsExactly("199998", "199999", "200000");
      assertThat(child.tail()).isEqualTo("199998\n199999\n200000");
      child.drain();
      assertThat(seen[0]).isEqualTo(200000);
    }
  }

  @Test
  void aLineConsumerThatThrowsDoesNotBlockTheChildAndDrainThrowsIt() throws Exception {
    try (var child = ChildProcess.command("seq", "1", "200000").stdoutLines(line -> {
      throw new IllegalStateException("cannot parse " + new String(line, StandardCharsets.UTF_8));
    }).start()) {
      assertThat(child.waitFor(LONG)).as("exited (its stdout is still read)").isTrue();
      assertThatThrownBy(child::drain).isInstanceOf(IllegalStateException.class).hasMessage("cannot parse 1");
    }
  }

  @Test
  void mergedOutputIsTailedAndEmptyLinesAreLeftOut() throws Exception {
    try (var child = ChildProcess.command("sh", "-c", "echo out; echo; echo err >&2; printf 'progress 1\\rprogress 2\\r\\n'")
        .mergeStderr().start()) {
      assertThat(child.waitFor()).isZero();
      assertThat(child.tailLines()).containsExactly("out", "err", "progress 1", "progress 2");
    }
  }

  @Test
  void linesEndAtNewlineAndAtACarriageReturnAfterText() {
    List<String> got = new ArrayList<>();
    ChildProcess.lines(new ByteArrayInputStream("a\nb\rc\r\n\nd".getBytes(StandardCharsets.UTF_8)),
        line -> got.add(new String(line, StandardCharsets.UTF_8)));
    assertThat(got).containsExactly("a", "b", "c", "", "", "d");
  }

  @Test
  void stopKillsAChildThatIgnoresSigtermAfterTheGracePeriod() throws Exception {
    var child = ChildProcess.command("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done")
        .stderr(Redirect.DISCARD).start();
    readLine(child);
    List<ProcessHandle> started = awaitDescendants(ProcessHandle.of(child.pid()).orElseThrow());
    long pid = child.pid();
    assertThat(child.stop(Duration.ofMillis(300))).as("ended on SIGTERM").isFalse();
    assertThat(alive(pid)).as("the child, pid " + pid).isFalse();
    for (ProcessHandle h : started) assertThat(alive(h.pid())).as("what it started, pid " + h.pid()).isFalse();
  }

  @Test
  void stopEndsAChildOnSigtermAndWhatItStartedToo() throws Exception {
    var child = ChildProcess.command("sh", "-c", "sleep 1000 & echo $!; wait").start();
    long sleeper = Long.parseLong(readLine(child));
    assertThat(alive(sleeper)).isTrue();
    assertThat(child.stop(LONG)).as("ended on SIGTERM").isTrue();
    assertThat(alive(child.pid())).isFalse();
    assertThat(alive(sleeper)).as("the sleep it left behind, pid " + sleeper).isFalse();
  }

  @Test
  void closeKillsAChildStillRunningAndWhatItStarted() throws Exception {
    long pid;
    long sleeper;
    try (var child = ChildProcess.command("sh", "-c", "trap '' TERM; sleep 1000 & echo $!; wait").start()) {
      sleeper = Long.parseLong(readLine(child));
      pid = child.pid();
      assertThat(child.waitFor(Duration.ofMillis(50))).isFalse();
    }
    assertThat(alive(pid)).isFalse();
    assertThat(alive(sleeper)).isFalse();
  }

  @Test
  void feedWritesStdinAndTheEnvironmentReachesTheChild() throws Exception {
    try (var child = ChildProcess.command("sh", "-c", "wc -c; printf '%s' \"$SECRET_ENV\" >&2")
        .env("SECRET_ENV", "from-env").mergeStderr().start()) {
      child.feed("12345".getBytes(StandardCharsets.US_ASCII));
      assertThat(child.waitFor()).isZero();
      assertThat(child.tailLines()).containsExactly("5", "from-env");
    }
  }

  @Test
  void stopByHandleEndsAProcessThisCodeDidNotStartItself() throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done").start();
    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    List<ProcessHandle> started = awaitDescendants(p.toHandle());
    assertThat(ChildProcess.stop(p.toHandle(), Duration.ofMillis(300))).isFalse();
    assertThat(alive(p.pid())).isFalse();
    for (ProcessHandle h : started) assertThat(alive(h.pid())).as("what it started, pid " + h.pid()).isFalse();
  }

  private static String readLine(ChildProcess child) throws Exception {
    var r = new BufferedReader(new InputStreamReader(child.stdout(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).as("a line from the child").isNotNull();
    return line.strip();
  }

  /** The child's descendants once it has started one (its loop's sleep). */
  private static List<ProcessHandle> awaitDescendants(ProcessHandle h) throws InterruptedException {
    return Await.value("a process started by the child", Duration.ofSeconds(10), () -> h.descendants().toList(), d -> !d.isEmpty());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
