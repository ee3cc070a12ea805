package dev.livesync.cli;

import dev.livesync.config.Config;
import dev.livesync.ops.service.BackgroundLauncher;
import dev.livesync.ops.service.ServiceFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    description = {
      "Start the replicator in the background (pidfile, log file).",
      "Checks the arguments as 'livesync run --check' does (same words, same exit codes), then runs",
      "'livesync run' in its own session with output appended to the log file, and returns 0 only once",
      "it reports (over its status socket) that watches are established and the initial sync has",
      "started; otherwise stops it and prints the reason and the log's last lines."
    })
final class StartCommand extends Subcommand {
  @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: " + Config.DEFAULT_FILE + " when no SOURCE TARGET is given).")
  Path config;

  @Option(names = "--log-file", paramLabel = "FILE", description = "Where its output goes (default: <state dir>/livesync.log); with run's log_file or --log-file, its log lines go there instead, and this file keeps only what cannot (a JVM's last words).")
  Path logFile;

  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2m", description = "How long to wait for it to be running (default: ${DEFAULT-VALUE}).")
  Duration wait;

  @Parameters(paramLabel = "ARGS", description = "SOURCE TARGET... and options, passed to 'livesync run' unchanged.")
  List<String> runArgs = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    args.add("run");
    if (config != null) {
      args.add("--config");
      args.add(config.toString());
    } else if (runArgs.isEmpty()) {
      args.add("--config");
      args.add(Config.DEFAULT_FILE);
    }
    args.addAll(runArgs);
    // the same checks, words and exit codes as run, said as start's: nothing is started with settings run would refuse
    RunCheck.Result checked = RunCheck.check("start", args.subList(1, args.size()), err());
    if (checked.exit() != 0) return checked.exit();
    // where the run will answer: its --status-socket, else its config's status_socket, else the default
    RunCommand checkedRun = checked.run();
    ServiceFiles run = checkedRun.startFiles();
    ServiceFiles files = logFile == null ? run : new ServiceFiles(run.pidFile(), logFile, run.socket());
    long pid = BackgroundLauncher.start(forking(BackgroundLauncher.selfCommand(Main.class.getName(), args)), files, wait);
    // a bare 'livesync status' asks the default socket: the command that asks this one
    // with a log file of its own (log_file), the run's lines go there only; start's file keeps what cannot
    String log = checkedRun.logFile() == null || checkedRun.logFile().equals(files.logFile().toAbsolutePath()) ? files.logFile().toString()
        : checkedRun.logFile() + " (its other output: " + files.logFile() + ")";
    out().printf("livesync started (pid %d); log: %s; '%s' shows progress%n", pid, log, checkedRun.statusCommand());
    out().flush();
    return 0;
  }

  /** The JDK's option for how it starts a process: FORK, or POSIX_SPAWN (its default, through jspawnhelper). */
  static final String LAUNCH_MECHANISM = "-Djdk.lang.Process.launchMechanism=";

  /**
   * {@code java} with rsync started by fork and exec, not through the runtime's lib/jspawnhelper: an
   * upgrade replaces that helper under a replicator that no upgrade restarts (this one), and the new
   * helper refuses a JVM of another build, so every rsync would fail until a restart. Fork costs lag
   * under load, so only here (docs/decisions.md); a -D of the user's (LIVESYNC_JAVA_OPTS) still decides.
   */
  static List<String> forking(List<String> java) {
    if (java.stream().anyMatch(a -> a.startsWith(LAUNCH_MECHANISM))) return java;
    List<String> cmd = new ArrayList<>(java);
    cmd.add(1, LAUNCH_MECHANISM + "FORK");
    return cmd;
  }
}
