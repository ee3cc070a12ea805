package dev.livesync.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.ops.Stopper;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stop a running replicator, letting it drain.",
      "Sends SIGTERM and waits for queued changes to reach the targets: longer than the replicator's own",
      "--stop-timeout (it says it over its status socket), so a drain that keeps its bound is never killed.",
      "Choose the replicator as it was started: --status-socket PATH, --config FILE, or the default;",
      "NAME checks that it runs that sync (all its syncs stop).",
      "Exit 1 if it had to be killed with SIGKILL; 0 if it stopped, or was not running."
    })
final class StopCommand extends Subcommand {

  @Mixin InstanceFlags instance;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait before SIGKILL (default: the replicator's --stop-timeout plus 15s).")
  Duration timeout;

  @Override
  public Integer call() {
    var files = instance.files();
    var out = out();
    if (instance.name != null) {
      JsonNode doc = instance.status();
      if (doc != null) {
        instance.select(doc); // refuses a name it does not run
        if (doc.path("syncs").size() > 1) out.printf("stopping the livesync that runs %s and %d other sync(s)%n", instance.name, doc.path("syncs").size() - 1);
      }
    }
    Stopper.Result r = Stopper.stop(files, timeout);
    int code =
        switch (r.outcome()) {
          case NOT_RUNNING -> {
            out.println("livesync is not running (nothing answers on " + files.socket() + ")");
            yield 0;
          }
          case STOPPED -> {
            out.printf("livesync stopped (pid %d, drained in %.1f s)%n", r.pid(), r.took().toMillis() / 1000.0);
            yield 0;
          }
          case KILLED -> {
            err().printf(
                "livesync stop: pid %d did not finish draining within %s and was killed (SIGKILL); changes still queued are replayed from the journal at the next start%n",
                r.pid(), dev.livesync.settings.Durations.format(r.waited()));
            yield dev.livesync.Exit.FAILED;
          }
        };
    out.flush();
    return code;
  }
}
