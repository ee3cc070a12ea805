package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Workspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scripts find and stop their watcher by name ({@code pkill inotifywait}, {@code killall inotifywait},
 * {@code pidof inotifywait}): the drop-in must be found by the same tools that find Debian's
 * inotifywait running beside it. pgrep -x, pkill and killall match the kernel's process name
 * (/proc/PID/comm), pidof matches argv[0].
 */
class ProcessNameTest {
  @RegisterExtension final Workspace work = new Workspace("process-name");
  final Path tmp = work.dir();
  final Path dir = work.mkdirs("w");
  final Path logs = work.mkdirs("logs");

  @Test
  void runAsInotifywaitItIsNamedSoForPgrep() throws Exception {
    List<String> ours = new ArrayList<>(ToolRun.ours("events", List.of("-m", dir.toString())));
    ours.replaceAll(a -> a.equals("-Dlivesync.argv0=livesync") ? "-Dlivesync.argv0=inotifywait" : a);
    try (ToolRun ref = ToolRun.start("ref", ToolRun.reference("inotifywait", List.of("-m", dir.toString())), tmp, logs, null, Map.of());
        ToolRun our = ToolRun.start("ours", ours, tmp, logs, null, Map.of())) {
      Differential.awaitStderr(ref, "Watches established.");
      Differential.awaitStderr(our, "Watches established.");
      assertThat(comm(our.process.pid())).isEqualTo(comm(ref.process.pid())).isEqualTo("inotifywait");
      assertThat(lines("pgrep", "-x", "inotifywait")).contains(Long.toString(ref.process.pid()), Long.toString(our.process.pid()));
    }
  }

  @Test
  void theLauncherRunsItUnderTheToolsNameForPidof() throws Exception {
    Path launcher = Path.of("bin", "inotifywait").toAbsolutePath();
    List<String> args = List.of("-m", dir.toString());
    try (ToolRun ref = ToolRun.start("ref", ToolRun.reference("inotifywait", args), tmp, logs, null, Map.of());
        ToolRun our = ToolRun.start("ours", launcherCommand(launcher, args), tmp, logs, null, Map.of())) {
      Differential.awaitStderr(ref, "Watches established.");
      Differential.awaitStderr(our, "Watches established.");
      assertThat(our.alive()).as(our.stderr()).isTrue();
      // the launcher execs the JVM: the pid started is livesync's
      List<String> pids = List.of(String.join(" ", lines("pidof", "inotifywait")).split(" "));
      assertThat(pids).contains(Long.toString(ref.process.pid()), Long.toString(our.process.pid()));
      assertThat(lines("pgrep", "-x", "inotifywait")).contains(Long.toString(our.process.pid()));
    }
  }

  /** The launcher with this JVM's JDK. */
  private static List<String> launcherCommand(Path launcher, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"), launcher.toString()));
    cmd.addAll(args);
    return cmd;
  }

  private static String comm(long pid) throws Exception {
    return Files.readString(Path.of("/proc/" + pid + "/comm"), StandardCharsets.ISO_8859_1).strip();
  }

  private static List<String> lines(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    p.waitFor();
    return out.lines().toList();
  }
}
