package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the running replicator's state per target.")
final class StatusCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'status' is not implemented yet", 1);
  }
}
