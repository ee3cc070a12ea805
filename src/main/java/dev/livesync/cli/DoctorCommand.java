package dev.livesync.cli;

import dev.livesync.config.Config;
import dev.livesync.ops.Check;
import dev.livesync.ops.Dirs;
import dev.livesync.ops.Doctor;
import dev.livesync.ops.SyncSet;
import dev.livesync.ops.TargetProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

  @Mixin SyncArgs syncArgs;

  @Option(names = "--fix", description = "Write /etc/sysctl.d/90-livesync.conf with the recommended limits and apply it (root).")
  boolean fix;

  @Option(names = "--sysctl-file", hidden = true, description = "Where --fix writes (tests).")
  Path sysctlFile = Doctor.SYSCTL_FILE;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory to check (default: the config's, else ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--rsync", paramLabel = "PATH", description = "The rsync binary (default: ${DEFAULT-VALUE}).")
  String rsync = "rsync";

  @Override
  public Integer call() {
    Config config = syncArgs.loadConfig();
    List<SyncSet> syncs = syncArgs.syncs(config, false);
    List<Path> sources = new ArrayList<>();
    List<Supplier<Check>> targets = new ArrayList<>();
    for (SyncSet s : syncs) {
      sources.add(s.source());
      for (SyncSet.TargetRef t : s.targets()) targets.add(new TargetProbe(s.sourceBytes(), t.url(), t.options()));
    }
    List<Path> pws = new ArrayList<>(SyncSet.passwordFiles(syncs));
    if (syncArgs.passwordFile != null && !pws.contains(syncArgs.passwordFile)) pws.add(syncArgs.passwordFile);
    Path state = stateDir != null ? stateDir : config != null ? config.stateDir() : Dirs.state();
    Doctor.Report report = new Doctor(new Doctor.Input(sources, pws, targets, state, rsync)).run(fix ? sysctlFile : null);
    cmd.commandLine().getOut().print(report.text());
    cmd.commandLine().getOut().flush();
    return report.exitCode();
  }
}
