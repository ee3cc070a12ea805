package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "install-service", mixinStandardHelpOptions = true, description = "Write a systemd unit for livesync.")
final class InstallServiceCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'install-service' is not implemented yet", 1);
  }
}
