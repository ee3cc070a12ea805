package dev.livesync.cli;

import dev.livesync.events.InotifyTools;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. {@code events} and {@code stats} are drop-in replacements for inotifywait and
 * inotifywatch, so they parse their own arguments the way those tools do (getopt rules, their
 * messages and exit codes); every other command goes through picocli.
 */
@Command(
    name = "livesync",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Real-time replication of a directory tree to backup hosts over rsync.",
    subcommands = {
      ToolCommands.Events.class,
      ToolCommands.Stats.class,
      RunCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      StartCommand.class,
      StopCommand.class,
      StatusCommand.class,
      ReleaseDeletesCommand.class,
      VersionsCommand.class,
      RestoreCommand.class,
      InstallServiceCommand.class,
      DoctorCommand.class,
      VerifyCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * The daemon's command for a client's directory rename ({@code serve-move MODULE_PATH}, see
   * {@link dev.livesync.server.ModuleMoves}): run before picocli, quick, and not a command for people.
   */
  static final String SERVE_MOVE = "serve-move";

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs livesync with {@code args} and returns the exit code (no System.exit), for tests. */
  public static int run(String... args) {
    // Answered before picocli builds its model of every command (over a thousand classes, annotation
    // proxies among them): `livesync --version` is what scripts and package checks call, and it must be quick.
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      System.out.println(new Version().getVersion()[0]);
      System.out.flush();
      return dev.livesync.Exit.OK;
    }
    if (args.length == 2 && args[0].equals(SERVE_MOVE)) {
      int exit = dev.livesync.server.ModuleMoves.run(args[1], System.getenv(), System.out);
      System.out.flush();
      return exit;
    }
    if (args.length > 0 && InotifyTools.runs(args[0])) return InotifyTools.main(args[0], Arrays.copyOfRange(args, 1, args.length));
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExpandAtFiles(false);
    var errors = new CliErrors();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    cl.registerConverter(java.time.Duration.class, new Converters.DurationConverter());
    cl.setUsageHelpWidth(110); // the descriptions are written as lines of up to ~105 characters
    // --rsync-arg --numeric-ids, --exclude -tmp: values may start with '-' (a flag's own rule then judges them)
    for (String c : java.util.List.of("run", "doctor", "verify")) cl.getSubcommands().get(c).setAllowOptionsAsOptionParameters(true);
    // start passes run's options through unchanged: `livesync start /data rsync://... --password-file F`
    cl.getSubcommands().get("start").setUnmatchedOptionsArePositionalParams(true);
    return cl;
  }

  /** No command: the usage, on stderr, and a usage error's exit code (a script that forgot the command must not pass). */
  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    err.println("livesync: give a command, e.g. livesync run SOURCE TARGET; the commands:");
    spec.commandLine().usage(err);
    err.flush();
    return dev.livesync.Exit.USAGE;
  }
}
