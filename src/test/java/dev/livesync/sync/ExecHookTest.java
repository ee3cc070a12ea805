package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-batch hook as a real {@code sh -c}: what it is given, and that it leaves nothing running. */
class ExecHookTest {
  @TempDir Path dir;

  @Test
  void getsTheBatchNulSeparatedOnStdinAndTheTargetAndSourceInItsEnvironment() throws Exception {
    Path out = dir.resolve("out");
    new ExecHook("www", "cat > '" + out + "'; printf '%s\\n%s\\n%s' \"$LIVESYNC_TARGET\" \"$LIVESYNC_SOURCE\" \"$PWD\" > '" + out + ".env'", dir)
        .run("host::mod", List.of(bytes("a/b"), bytes("new\nline")));
    assertThat(Files.readAllBytes(out)).isEqualTo("a/b\0new\nline\0".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readAllLines(dir.resolve("out.env"))).containsExactly("host::mod", dir.toString(), dir.toString());
  }

  @Test
  void aFailingHookOrOneThatDoesNotReadItsStdinIsNoError() throws Exception {
    new ExecHook("www", "exit 3", dir).run("t", List.of(bytes("x".repeat(1 << 20))));
  }

  @Test
  void aHookRunningPastItsTimeoutIsKilledWithWhatItStarted() throws Exception {
    Path pids = dir.resolve("pids");
    new ExecHook("www", "sleep 1000 & echo $$ $! > '" + pids + "'; wait", dir, Duration.ofSeconds(1)).run("t", List.of());
    for (String pid : Files.readString(pids).strip().split(" ")) {
      assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
    }
  }

  /**
   * A hook that does not read its stdin, given more paths than a pipe holds (64 KiB: a batch of 2,000
   * paths of 40 bytes), and hanging: it is killed at its timeout as any other. The paths were written
   * before the timeout was looked at, and that write waited for a reader that never came: the hook
   * ran on (and held the target's worker) until it exited by itself, however long.
   */
  @Test
  void aHangingHookThatDoesNotReadABigBatchIsKilledAtItsTimeout() throws Exception {
    Path pids = dir.resolve("pids");
    List<byte[]> paths = java.util.Collections.nCopies(4000, bytes("dir/" + "x".repeat(60)));
    var hook = new ExecHook("www", "sleep 1000 & echo $$ $! > '" + pids + "'; wait", dir, Duration.ofSeconds(1));
    Thread run = Thread.ofVirtual().start(() -> {
      try {
        hook.run("t", paths);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    run.join(Duration.ofSeconds(60)); // a bound for a hang, not a timing: it returns once the kill is done
    List<ProcessHandle> alive = new java.util.ArrayList<>();
    for (String pid : Files.readString(pids).strip().split(" ")) ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive).ifPresent(alive::add);
    alive.forEach(ProcessHandle::destroyForcibly); // the test leaves nothing running, whatever the code did
    run.join(Duration.ofSeconds(10));
    assertThat(alive).as("the hook and what it started, still running past its timeout").isEmpty();
  }

  /**
   * What a hook prints, on stdout or stderr, goes to the log named as the sync's hook: at most
   * {@link ExecHook#LINES} lines per run, each cut to {@link ExecHook#LINE_BYTES} bytes, the rest
   * said once. It went raw to livesync's own stdout (with start: a file of its own, unnamed, unbounded).
   */
  @Test
  void itsOutputIsLoggedLineByLineNamedAndCapped() throws Exception {
    try (var log = new dev.livesync.testing.LogCapture()) {
      new ExecHook("www", "echo to stdout; echo to stderr >&2; head -c 3000 /dev/zero | tr '\\0' x; echo;"
          + " i=0; while [ $i -lt 40 ]; do echo line $i; i=$((i+1)); done; exit 2", dir).run("t", List.of(bytes("a")));
      dev.livesync.testing.Await.until("the hook's output logged", dev.livesync.testing.Await.CONVERGE,
          () -> log.text().contains("exec hook: more output"), log::text);
      // the hook's lines (its exit is said apart, while they are still being read)
      List<String> hook = log.lines().stream().filter(l -> l.startsWith("INFO sync 'www' exec hook: ")).toList();
      assertThat(hook).as(log.text()).startsWith("INFO sync 'www' exec hook: to stdout", "INFO sync 'www' exec hook: to stderr",
          "INFO sync 'www' exec hook: " + "x".repeat(ExecHook.LINE_BYTES) + " [... " + (3000 - ExecHook.LINE_BYTES) + " more bytes]");
      assertThat(hook).hasSize(ExecHook.LINES + 1);
      assertThat(hook).contains("INFO sync 'www' exec hook: line " + (ExecHook.LINES - 4))
          .doesNotContain("INFO sync 'www' exec hook: line " + (ExecHook.LINES - 3))
          .contains("INFO sync 'www' exec hook: more output, not logged (at most " + ExecHook.LINES + " lines of a run are)");
      assertThat(log.text()).contains("exec hook 'echo to stdout;").contains("exited 2 after a batch of 1 paths to t");
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
