package dev.livesync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.livesync.ops.demo.Demo;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Everything on loopback in one command: serve, run, a burst of changes, lag, verification.",
      "Starts an rsync daemon ('serve') on 127.0.0.1 at a free port with a generated password and a",
      "replicator from a temp source to it; writes 500 files of 10-100 KB over 2.5 s, renames 50 and",
      "deletes 50; prints per-file lag and compares target and source by checksum; cleans up.",
      "Exit 0 when the target equals the source."
    })
final class DemoCommand extends Subcommand {

  @Option(names = "--files", paramLabel = "N", description = "Files in the burst (default: ${DEFAULT-VALUE}).", defaultValue = "500")
  int files;

  @Option(names = "--keep", description = "Keep the temp directory (source, backup, daemon config) for a look.")
  boolean keep;

  @Option(names = {"-v", "--verbose"}, description = "Show the engine's and the daemon's log.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    Demo.Options d = Demo.Options.defaults();
    Demo.Options o = new Demo.Options(files, d.minKb(), d.maxKb(), d.burst(), Math.min(d.renames(), files / 10),
        Math.min(d.deletes(), files / 10), d.deadline());
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    if (!verbose) root.setLevel(Level.WARN);
    try {
      return new Demo(o, out()).run(keep);
    } finally {
      root.setLevel(before);
    }
  }
}
