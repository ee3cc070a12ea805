package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.settings.Dirs;
import dev.livesync.testing.Await;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fanotify names each event's directory with open_by_handle_at, which needs CAP_DAC_READ_SEARCH.
 * Root with that capability cut (a unit's CapabilityBoundingSet, a container) or a user without it
 * is refused fanotify at the start — fsnotifywait in inotify-tools' words, {@code auto} by taking
 * inotify and saying why — instead of setting up and then stopping at the first event with an
 * internal error. Real processes under setpriv; a loop-mounted ext4 of the test's own.
 */
class FanotifyCapabilityTest {
  @TempDir Path tmp;

  /** livesync ARGS in a JVM of its own, without CAP_DAC_READ_SEARCH (still root, with CAP_SYS_ADMIN). */
  private static ProcessBuilder withoutDacReadSearch(String... args) {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set=-dac_read_search",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "dev.livesync.cli.Main"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  @Test
  void withoutCapDacReadSearchFanotifyIsRefusedAtTheStart() throws Exception {
    assumeTrue(Dirs.isRoot(), "needs root: a loop mount, setpriv");
    try (LoopFs fs = LoopFs.ext4(tmp, 16)) {
      Path dir = Files.createDirectories(fs.root().resolve("w"));
      Path out = tmp.resolve("out"), err = tmp.resolve("err");
      Process p = withoutDacReadSearch("events", "-F", "-r", "-m", dir.toString())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      try {
        Await.until("fsnotifywait to stop or set up", Duration.ofSeconds(30),
            () -> !p.isAlive() || Files.readString(err).contains("Watches established."), () -> Files.readString(err));
        Files.writeString(dir.resolve("f"), "x"); // the first event: where it stopped before
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
        assertThat(Files.readString(err)).isEqualTo("Couldn't initialize fanotify: Operation not permitted\n"
            + "fanotify watch requires admin privileges\n");
        assertThat(p.exitValue()).isEqualTo(1);
      } finally {
        Processes.killTree(p);
      }
      Process d = withoutDacReadSearch("doctor", "--state-dir", tmp.resolve("state").toString(), fs.root().toString())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try {
        assertThat(d.waitFor(60, TimeUnit.SECONDS)).as("doctor done").isTrue();
        assertThat(Files.readString(out)).contains("OK    watcher of " + fs.root() + ": inotify: fanotify cannot watch it:"
            + " fanotify needs CAP_SYS_ADMIN and CAP_DAC_READ_SEARCH (run livesync as root, with both capabilities)\n");
      } finally {
        Processes.killTree(d);
      }
    }
  }
}
