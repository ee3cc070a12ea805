package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "verify", mixinStandardHelpOptions = true, description = "Check that each target holds exactly the source.")
final class VerifyCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'verify' is not implemented yet", 1);
  }
}
