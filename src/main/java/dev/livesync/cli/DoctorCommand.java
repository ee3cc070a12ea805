package dev.livesync.cli;

import dev.livesync.LivesyncException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check kernel inotify limits, rsync, targets, permissions.")
final class DoctorCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new LivesyncException("'doctor' is not implemented yet", 1);
  }
}
