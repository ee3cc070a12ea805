package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inotifywait -m … | head -1}: once the reader is gone, the next event's write kills
 * inotifywait with SIGPIPE (the shell sees 141, and {@code set -o pipefail} fails with it); so does
 * inotifywatch's table. The drop-in, beside Debian's tool on the same directory, must end the same way.
 */
class BrokenPipeTest {
  @TempDir Path tmp;

  @Test
  void aMonitorWhoseReaderIsGoneDiesOfSigpipeAsInotifywaitDoes() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("w"));
    List<String> args = List.of("-m", "-e", "create", dir.toString());
    Process ref = start(ToolRun.reference("inotifywait", args), tmp.resolve("ref.err"));
    Process ours = start(ToolRun.ours("events", args), tmp.resolve("ours.err"));
    try {
      awaitStderr(ref, tmp.resolve("ref.err"), "Watches established.");
      awaitStderr(ours, tmp.resolve("ours.err"), "Watches established.");
      Files.writeString(dir.resolve("a"), "");
      for (Process p : List.of(ref, ours)) {
        var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.ISO_8859_1));
        assertThat(lines.readLine()).isEqualTo(dir + "/ CREATE a");
        p.getInputStream().close(); // the reader goes, as head does after its line
      }
      Files.writeString(dir.resolve("b"), "");
      int refCode = awaitExit(ref);
      int ourCode = awaitExit(ours);
      assertThat(refCode).isEqualTo(128 + 13);
      assertThat(ourCode).as(Files.readString(tmp.resolve("ours.err"))).isEqualTo(refCode);
    } finally {
      for (Process p : List.of(ref, ours)) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void inotifywatchWhoseReaderIsGoneDiesOfSigpipeOnItsTable() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("w"));
    // -t ends both (the table is printed then); ours starts first, its JVM being slower to set up
    List<String> args = List.of("-t", "5", "-e", "create", dir.toString());
    Process ours = start(ToolRun.ours("stats", args), tmp.resolve("ours.err"));
    Process ref = null;
    try {
      ours.getInputStream().close(); // a reader gone before the table: `inotifywatch … | true`
      awaitStderr(ours, tmp.resolve("ours.err"), "now collecting statistics.");
      ref = start(ToolRun.reference("inotifywatch", args), tmp.resolve("ref.err"));
      ref.getInputStream().close();
      awaitStderr(ref, tmp.resolve("ref.err"), "now collecting statistics.");
      Files.writeString(dir.resolve("a"), "");
      int refCode = awaitExit(ref);
      int ourCode = awaitExit(ours);
      assertThat(refCode).as(Files.readString(tmp.resolve("ref.err"))).isEqualTo(128 + 13);
      assertThat(ourCode).as(Files.readString(tmp.resolve("ours.err"))).isEqualTo(refCode);
    } finally {
      for (Process p : ref == null ? List.of(ours) : List.of(ref, ours)) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static Process start(List<String> cmd, Path err) throws Exception {
    var pb = new ProcessBuilder(cmd).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("LC_ALL", "C");
    return pb.start();
  }

  private static void awaitStderr(Process p, Path err, String marker) {
    Await.until("'" + marker + "' or an end", Differential.DEADLINE,
        () -> Files.readString(err).contains(marker) || !p.isAlive(), () -> Files.readString(err));
  }

  private static int awaitExit(Process p) throws Exception {
    if (!p.waitFor(Differential.DEADLINE.toSeconds(), TimeUnit.SECONDS)) throw new AssertionError("no exit after its reader went");
    return p.exitValue();
  }
}
