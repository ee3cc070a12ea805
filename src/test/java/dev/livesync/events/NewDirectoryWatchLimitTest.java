package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree moved into an {@code inotifywait -m -r} that runs out of inotify watches on it: inotifywait
 * names the directory the event brought, once ({@code Couldn't watch new directory w/t/: No space
 * left on device}), after 4.25.9's {@code Watching new directory w/t/}; not each subdirectory that
 * failed, before it. Each tool runs in a user namespace of its own with a watch limit of 3 (the
 * namespace's own /proc/sys/user value, gone with it: the machine's limit is not touched).
 */
class NewDirectoryWatchLimitTest {
  @TempDir Path tmp;

  @Test
  void theNewDirectoryIsNamedOnceAfterWatchingNewDirectory() throws Exception {
    Files.createDirectories(tmp.resolve("w"));
    Files.createDirectories(tmp.resolve("src/t/a/b/c"));
    Files.createDirectories(tmp.resolve("src/t/d"));
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    List<String> args = List.of("-m", "-r", "-e", "moved_to,create", "w");
    try (ToolRun ref = ToolRun.start("ref", limited(ToolRun.reference("inotifywait", args)), tmp, logs, null, Map.of());
        ToolRun ours = ToolRun.start("ours", limited(ToolRun.ours("events", args)), tmp, logs, null, Map.of())) {
      Differential.awaitStderr(ref, "Watches established.");
      Differential.awaitStderr(ours, "Watches established.");
      Files.move(tmp.resolve("src/t"), tmp.resolve("w/t"));
      Differential.awaitSame(s -> s, ref::stdoutText, ours::stdoutText);
      assertThat(ref.stdoutText()).isEqualTo("w/ MOVED_TO,ISDIR t\n");
      Differential.awaitStderr(ref, "Couldn't watch new directory");
      Differential.awaitStderr(ours, "Couldn't watch new directory");
      String error = "Couldn't watch new directory w/t/: No space left on device\n";
      assertThat(ref.stderr()).endsWith(error);
      // 4.25.9 says which directory it starts watching; 3.22 does not
      String want = ref.stderr().replace(error, "Watching new directory w/t/\n" + error);
      Differential.awaitSame(s -> s, () -> want, ours::stderr);
    }
  }

  /** {@code cmd} in a user namespace of its own, allowed 3 inotify watches. */
  private static List<String> limited(List<String> cmd) {
    List<String> all = new ArrayList<>(List.of("unshare", "-U", "-r", "sh", "-c",
        "echo 3 > /proc/sys/user/max_inotify_watches && exec \"$@\"", "sh"));
    all.addAll(cmd);
    return all;
  }
}
