package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Load test: files/s into a watched source, lag measured at the target.")
final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'bench' is not implemented yet", 1);
  }
}
