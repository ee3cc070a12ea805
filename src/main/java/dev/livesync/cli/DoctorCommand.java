package dev.livesync.cli;

import dev.livesync.ops.Check;
import dev.livesync.ops.Dirs;
import dev.livesync.ops.Doctor;
import dev.livesync.ops.TargetProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check kernel inotify limits, rsync, targets, permissions.",
      "One line per check: OK, WARN or FAIL and what to do. Exit 1 if any check FAILs.",
      "--fix raises the inotify limits now and persists them in /etc/sysctl.d/90-livesync.conf."
    })
final class DoctorCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec cmd;

  @Option(names = "--fix", description = "Write /etc/sysctl.d/90-livesync.conf with the recommended limits and apply it (root).")
  boolean fix;

  @Option(names = "--sysctl-file", hidden = true, description = "Where --fix writes (tests).")
  Path sysctlFile = Doctor.SYSCTL_FILE;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Password file for rsync daemon targets.")
  Path passwordFile;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory to check (default: ${DEFAULT-VALUE}).")
  Path stateDir = Dirs.state();

  @Option(names = "--rsync", paramLabel = "PATH", description = "The rsync binary (default: ${DEFAULT-VALUE}).")
  String rsync = "rsync";

  @Parameters(paramLabel = "SOURCE TARGET", description = "A source directory, then its targets (as for 'run').")
  List<String> args = List.of();

  @Override
  public Integer call() {
    List<Path> sources = new ArrayList<>();
    List<Supplier<Check>> targets = new ArrayList<>();
    if (!args.isEmpty()) {
      sources.add(Path.of(args.getFirst()));
      for (String t : args.subList(1, args.size())) targets.add(new TargetProbe(t, passwordFile, rsync));
    }
    List<Path> pws = passwordFile == null ? List.of() : List.of(passwordFile);
    Doctor.Report report = new Doctor(new Doctor.Input(sources, pws, targets, stateDir, rsync)).run(fix ? sysctlFile : null);
    cmd.commandLine().getOut().print(report.text());
    cmd.commandLine().getOut().flush();
    return report.exitCode();
  }

}
