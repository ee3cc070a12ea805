package dev.livesync.cli;

import dev.livesync.ops.service.Stopper;
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
      "Choose the replicator as it was started: --status-socket PATH, --config FILE, or the default",
      "(with LIVESYNC_RUNTIME_DIR set: that runtime dir's livesync, and no other);",
      "NAME checks that it runs that sync (all its syncs stop).",
      "One that holds its socket but does not answer (stopped, hung) is found by its pid and stopped the same way.",
      "Exit 1 if it had to be killed with SIGKILL; 0 if it stopped, or was not running."
    })
final class StopCommand extends Subcommand {

  @Mixin InstanceFlags instance;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait before SIGKILL (default: the replicator's --stop-timeout plus 15s).")
  Duration timeout;

  @Override
  public Integer call() {
    var out = out();
    instance.warnings(err(), "stop");
    var files = instance.files();
    InstanceFlags.Found found = instance.find();
    if (found.note() != null && found.doc() != null) err().println("livesync stop: " + found.note());
    if (instance.name != null && found.doc() != null) {
      instance.select(found.doc()); // refuses a name it does not run
      if (found.doc().path("syncs").size() > 1) out.printf("stopping the livesync that runs %s and %d other sync(s)%n", instance.name, found.doc().path("syncs").size() - 1);
    }
    Stopper.Found target = null;
    if (found.doc() != null) {
      long pid = found.doc().path("pid").asLong(-1);
      Duration drains = Duration.ofMillis(Math.max(0, found.doc().path("stopTimeoutMillis").asLong(0)));
      target = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> new Stopper.Found(h, drains)).orElse(null);
    } else if (found.silent() != null) {
      out.println(instance.silent(found) + ": stopping it by its pid");
      target = new Stopper.Found(found.silent(), Duration.ZERO);
    }
    int code;
    if (target == null) {
      if (files.pidFile() != null) Stopper.stop(files, timeout); // removes a stale pidfile
      out.println(instance.notRunning(files));
      code = 0;
    } else {
      Stopper.Result r = Stopper.stop(target, timeout, files.pidFile());
      if (r.outcome() == Stopper.Outcome.STOPPED) {
        out.printf("livesync stopped (pid %d, drained in %.1f s)%n", r.pid(), r.took().toMillis() / 1000.0);
        code = 0;
      } else {
        err().printf(
            "livesync stop: pid %d did not finish draining within %s and was killed (SIGKILL); changes still queued are replayed from the journal at the next start%n",
            r.pid(), dev.livesync.settings.Durations.format(r.waited()));
        code = dev.livesync.Exit.FAILED;
      }
    }
    out.flush();
    return code;
  }
}
