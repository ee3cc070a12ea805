package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.config.ConfigException;
import dev.livesync.testing.Processes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code watcher = fanotify} on a source fanotify cannot mark (here overlayfs, as in a container) is
 * refused by {@code run --check} as by {@code run}: one line, the same words from the flag and the
 * config key, exit 2 from the command line and 78 from the config file, before anything starts.
 */
class FanotifyRefusedTest {
  @TempDir Path tmp;
  Path merged;

  @AfterEach
  void unmount() {
    if (merged != null) Processes.run(List.of("umount", merged.toString()));
  }

  Path overlay() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "mounting an overlay needs root");
    for (String d : List.of("lower", "upper", "work", "merged")) Files.createDirectories(tmp.resolve(d));
    Processes.run(List.of("mount", "-t", "overlay", "overlay", "-o",
        "lowerdir=" + tmp.resolve("lower") + ",upperdir=" + tmp.resolve("upper") + ",workdir=" + tmp.resolve("work"), tmp.resolve("merged").toString()));
    merged = tmp.resolve("merged");
    return merged;
  }

  record Result(int code, String firstLine) {}

  Result run(String... args) {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--state-dir", tmp.resolve("state").toString(), "--status-socket", tmp.resolve("status.sock").toString()));
    int code = cl.execute(all.toArray(String[]::new));
    return new Result(code, err.toString().lines().findFirst().orElse(""));
  }

  @Test
  void fanotifyOnOverlayfsIsRefusedByRunCheckAsByRunFromTheFlagAndTheConfigKey() throws Exception {
    Path src = overlay();
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    String words = "cannot watch " + src + " with fanotify: it is on overlayfs, whose file handles fanotify cannot report for the layers' files";
    for (String mode : List.of("--check", "--log-level=error")) {
      Result r = run("run", mode, src.toString(), dst.toString(), "--watcher", "fanotify");
      // what to use instead, named as the user named the setting: the flag here, the key in the file
      assertThat(r.firstLine()).as(mode).isEqualTo("livesync run: --watcher fanotify: " + words + " (use --watcher inotify or --watcher auto)");
      assertThat(r.code()).as(mode).isEqualTo(2);
    }
    Path file = Files.writeString(tmp.resolve("livesync.toml"),
        "[[sync]]\nsource = \"" + src + "\"\nwatcher = \"fanotify\"\n  [[sync.target]]\n  url = \"" + dst + "\"\n");
    for (String mode : List.of("--check", "--log-level=error")) {
      Result r = run("run", mode, "--config", file.toString());
      assertThat(r.firstLine()).as(mode).isEqualTo("livesync run: " + file + ":3:1: sync[0].watcher: " + words
          + " (use watcher = \"inotify\" or watcher = \"auto\")");
      assertThat(r.code()).as(mode).isEqualTo(ConfigException.EXIT_CODE);
    }
    try (var written = Files.list(dst)) {
      assertThat(written.toList()).as("nothing started").isEmpty();
    }
  }
}
