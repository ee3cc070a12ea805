package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Replicate a source tree to its targets, live.")
final class RunCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'run' is not implemented yet", 1);
  }
}
