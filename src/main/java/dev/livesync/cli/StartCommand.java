package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "start", mixinStandardHelpOptions = true, description = "Start the replicator in the background (pidfile, log file).")
final class StartCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'start' is not implemented yet", 1);
  }
}
