package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the background replicator, letting it drain.")
final class StopCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'stop' is not implemented yet", 1);
  }
}
