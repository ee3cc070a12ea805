package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Everything on loopback in one command: serve, run, a burst of changes, lag, verification.")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'demo' is not implemented yet", 1);
  }
}
