package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the backup side: a configured rsync daemon, supervised.")
final class ServeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'serve' is not implemented yet", 1);
  }
}
