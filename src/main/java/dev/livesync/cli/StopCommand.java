package dev.livesync.cli;

import dev.livesync.ops.ServiceFiles;
import dev.livesync.ops.Stopper;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the background replicator, letting it drain.",
      "Sends SIGTERM and waits (up to --timeout) for queued changes to reach the targets.",
      "Exit 1 if it had to be killed with SIGKILL; 0 if it stopped, or was not running."
    })
final class StopCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec cmd;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", description = "How long the drain may take before SIGKILL (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    Stopper.Result r = Stopper.stop(ServiceFiles.defaults(), timeout);
    var out = cmd.commandLine().getOut();
    int code =
        switch (r.outcome()) {
          case NOT_RUNNING -> {
            out.println("livesync is not running");
            yield 0;
          }
          case STOPPED -> {
            out.printf("livesync stopped (pid %d, drained in %.1f s)%n", r.pid(), r.took().toMillis() / 1000.0);
            yield 0;
          }
          case KILLED -> {
            cmd.commandLine().getErr().printf(
                "livesync stop: pid %d did not finish draining within %s and was killed (SIGKILL); changes still queued are replayed from the journal at the next start%n",
                r.pid(), dev.livesync.settings.Durations.format(timeout));
            yield 1;
          }
        };
    out.flush();
    return code;
  }
}
