package dev.livesync.bench;

import dev.livesync.fs.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A replicator under test, started as a process tree that pushes {@code source} to {@code url}. */
public interface Contender {
  String name();

  Process start(Path source, String url, Path passwordFile, Path workdir) throws IOException;

  /** SIGTERM, a grace period, then SIGKILL, for the process and everything it started (by pid). */
  static void stop(Process p) {
    ChildProcess.stop(p.toHandle(), Duration.ofSeconds(10));
  }

  /** livesync run, through the launcher. */
  record Livesync(Path launcher, List<String> extraArgs) implements Contender {
    @Override
    public String name() {
      return "livesync";
    }

    @Override
    public Process start(Path source, String url, Path passwordFile, Path workdir) throws IOException {
      List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "run", source.toString(), url,
          "--password-file", passwordFile.toString(), "--state-dir", workdir.resolve("state").toString(),
          "--status-socket", workdir.resolve("status.sock").toString()));
      cmd.addAll(extraArgs);
      return new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(workdir.resolve("livesync.log").toFile()).start();
    }
  }

  /** lsyncd 2.2 with default.rsync, as its users configure it for near-real-time backup. */
  record Lsyncd(double delaySeconds, int maxProcesses) implements Contender {
    @Override
    public String name() {
      return "lsyncd";
    }

    @Override
    public Process start(Path source, String url, Path passwordFile, Path workdir) throws IOException {
      Path conf = workdir.resolve("lsyncd.conf.lua");
      Files.writeString(conf, """
          settings {
            logfile = "%s",
            nodaemon = true,
            insist = true,
            maxProcesses = %d,
          }
          sync {
            default.rsync,
            source = "%s",
            target = "%s",
            delay = %s,
            rsync = { archive = true, password_file = "%s" },
          }
          """.formatted(workdir.resolve("lsyncd.log"), maxProcesses, source, url, delaySeconds, passwordFile));
      return new ProcessBuilder("lsyncd", conf.toString()).redirectErrorStream(true)
          .redirectOutput(workdir.resolve("lsyncd.out").toFile()).start();
    }
  }

  /**
   * The seed's script (its "example 2"), with its relative-path bug fixed so it can converge: one
   * rsync at a time per event, a whole-tree push with --delete for anything that is not a file.
   */
  record Script() implements Contender {
    @Override
    public String name() {
      return "inotifywait|rsync";
    }

    @Override
    public Process start(Path source, String url, Path passwordFile, Path workdir) throws IOException {
      String script = """
          cd "$SRC" || exit 1
          inotifywait -mrq --format '%w%f' -e close_write,delete,moved_to,moved_from "$SRC" |
          while read -r file; do
            if [ -f "$file" ]; then
              rsync -az -R "./${file#$SRC/}" "$URL" --password-file="$PF"
            else
              rsync -az --delete ./ "$URL" --password-file="$PF"
            fi
          done
          """;
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
          .redirectOutput(workdir.resolve("script.out").toFile());
      pb.environment().put("SRC", source.toString());
      pb.environment().put("URL", url);
      pb.environment().put("PF", passwordFile.toString());
      return pb.start();
    }
  }
}
