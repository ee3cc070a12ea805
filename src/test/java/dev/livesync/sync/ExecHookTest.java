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
    new ExecHook("cat > '" + out + "'; printf '%s\\n%s\\n%s' \"$LIVESYNC_TARGET\" \"$LIVESYNC_SOURCE\" \"$PWD\" > '" + out + ".env'", dir)
        .run("host::mod", List.of(bytes("a/b"), bytes("new\nline")));
    assertThat(Files.readAllBytes(out)).isEqualTo("a/b\0new\nline\0".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readAllLines(dir.resolve("out.env"))).containsExactly("host::mod", dir.toString(), dir.toString());
  }

  @Test
  void aFailingHookOrOneThatDoesNotReadItsStdinIsNoError() throws Exception {
    new ExecHook("exit 3", dir).run("t", List.of(bytes("x".repeat(1 << 20))));
  }

  @Test
  void aHookRunningPastItsTimeoutIsKilledWithWhatItStarted() throws Exception {
    Path pids = dir.resolve("pids");
    new ExecHook("sleep 1000 & echo $$ $! > '" + pids + "'; wait", dir, Duration.ofSeconds(1)).run("t", List.of());
    for (String pid : Files.readString(pids).strip().split(" ")) {
      assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
