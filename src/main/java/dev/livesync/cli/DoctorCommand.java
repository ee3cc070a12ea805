package dev.livesync.cli;

import dev.livesync.config.Config;
import dev.livesync.monitor.HttpSettings;
import dev.livesync.monitor.WebServer;
import dev.livesync.ops.doctor.Check;
import dev.livesync.ops.doctor.Doctor;
import dev.livesync.ops.doctor.EmptySourceCheck;
import dev.livesync.ops.doctor.ProcessPreflight;
import dev.livesync.ops.doctor.TargetProbe;
import dev.livesync.ops.doctor.WatcherCheck;
import dev.livesync.ops.status.StatusServer;
import dev.livesync.settings.Key;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Preflight;
import dev.livesync.transport.RsyncOptionProbe;
import dev.livesync.transport.TargetSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    defaultValueProvider = KeyDefaults.class,
    description = {
      "Check kernel inotify limits, rsync, targets, permissions, and which watcher (inotify or fanotify) each sync gets and why.",
      "One line per check: OK, WARN or FAIL and what to do. Exit 1 if any check FAILs.",
      "Takes what 'livesync run' takes (--config FILE, or SOURCE TARGET... with run's flags) and checks that.",
      "--fix raises the inotify limits now and persists them in /etc/sysctl.d/90-livesync.conf."
    })
final class DoctorCommand extends Subcommand {

  @Mixin SyncFlags syncFlags;

  @Option(names = "--fix", description = "Write /etc/sysctl.d/90-livesync.conf with the recommended limits and apply it (root).")
  boolean fix;

  @Option(names = "--sysctl-file", hidden = true, description = "Where --fix writes (tests).")
  Path sysctlFile = Doctor.SYSCTL_FILE;

  @Option(names = "--rsync", paramLabel = "PATH", description = "The rsync binary (default: ${DEFAULT-VALUE}).")
  String rsync = "rsync";

  @Override
  public Integer call() {
    Config config = syncFlags.loadConfig();
    List<EngineSettings> syncs = syncFlags.syncs(config, false);
    List<Path> sources = new ArrayList<>();
    List<Supplier<Check>> targets = new ArrayList<>();
    List<Path> pws = new ArrayList<>();
    java.util.Set<Path> secretsLines = new java.util.HashSet<>();
    java.util.Set<Path> marked = new java.util.HashSet<>();
    List<Supplier<Check>> whole = new ArrayList<>();
    java.util.Set<TargetSpec> overlapping = new java.util.HashSet<>();
    for (var e : Preflight.overlaps(syncs)) {
      EngineSettings s = syncs.get(e.sync());
      overlapping.add(s.targets().get(e.target()));
      String what = "target " + e.value() + (syncs.size() > 1 ? " of sync " + s.name() : "");
      whole.add(() -> Check.fail(what, e.words(k -> k.cliName())));
    }
    for (EngineSettings s : syncs) {
      for (String ex : s.excludes().patterns()) {
        String words = Preflight.sourcePathInExclude(s.source(), ex); // as run refuses it
        if (words != null) whole.add(() -> Check.fail("exclude " + ex, words));
      }
      String all = dev.livesync.sync.ExcludeAll.pattern(s.excludes().patterns()); // as run refuses them
      if (all != null) whole.add(() -> Check.fail("exclude " + all, dev.livesync.sync.ExcludeAll.words(all)));
    }
    // the process's own files, as run would use them: the config's log file and status socket (else the default socket)
    Path socket = InstanceFlags.socket(null, config);
    for (var e : ProcessPreflight.problems(syncs, config == null ? null : config.logFile(), socket)) {
      whole.add(() -> Check.fail(ProcessPreflight.label(e.key()) + " " + e.value(), e.words(k -> k.cliName())));
    }
    String mode = config == null ? null : dev.livesync.config.ConfigFileMode.problem(config.file());
    if (mode != null) whole.add(() -> Check.warn("config " + config.file(), mode));
    String socketDir = StatusServer.dirProblem(socket);
    if (socketDir != null) whole.add(() -> Check.fail("status socket " + socket, "cannot open the status socket " + socket + ": " + socketDir));
    HttpSettings http = config == null ? null : new HttpFlags().settings(config.monitor()); // refused as run refuses it
    if (http != null) whole.add(() -> http(http, socket));
    for (EngineSettings s : syncs) {
      Path src = Path.of(new String(s.source(), java.nio.charset.StandardCharsets.UTF_8));
      sources.add(src);
      if (fanotify(s)) marked.add(src);
      whole.add(new WatcherCheck(s));
      for (TargetSpec t : s.targets()) {
        if (overlapping.contains(t)) continue; // said above; nothing is sent to it
        var args = RsyncOptionProbe.problem(t.options());
        if (args != null) {
          whole.add(() -> Check.fail("target " + t.describe(), Key.EXTRA_ARGS.cliName() + " " + CliErrors.quote(args.value()) + ": "
              + args.words(k -> k.cliName())));
          continue; // every run would fail the same way
        }
        String what = "target " + t.describe() + (syncs.size() > 1 ? " of sync " + s.name() : "");
        whole.add(() -> {
          String held = Preflight.targetWrittenBy(s, t); // as run refuses it (exit 75); not the running sync itself
          return held == null ? null : Check.fail(what, held);
        });
        targets.add(new TargetProbe(s.source(), t));
        whole.add(new EmptySourceCheck(s.source(), t, s.delete(), !s.maxDelete().off()));
        if (t.options().passwordFile() != null && !pws.contains(t.options().passwordFile())) pws.add(t.options().passwordFile());
        if (Preflight.secretsForm(t) != null) secretsLines.add(t.options().passwordFile());
      }
    }
    // a file holding the daemon's secrets line is the target's FAIL (naming password_file): no OK line beside it for the same file
    pws.removeAll(secretsLines);
    Path state = syncFlags.stateRoot(config);
    Doctor.Report report = new Doctor(new Doctor.Input(sources, pws, targets, state, rsync, whole, marked)).run(fix ? sysctlFile : null);
    out().print(report.text());
    out().flush();
    return report.exitCode();
  }

  /** The config's [http] address: free to listen on (bound and let go, as run --check does), or held by the livesync running there. */
  private static Check http(HttpSettings http, Path socket) {
    String what = "[http] listen " + http.spec();
    if (StatusServer.alreadyRunning(socket) != null) return Check.ok(what, "the livesync answering on " + socket + " holds it");
    try {
      WebServer.probe(http);
      return Check.ok(what, "free to listen on");
    } catch (dev.livesync.LivesyncException e) {
      return Check.fail(what, e.getMessage());
    }
  }

  /** Whether run would watch {@code s}'s source with fanotify (then it needs no inotify watch). */
  private static boolean fanotify(EngineSettings s) {
    try {
      return dev.livesync.fs.WatcherChoice.decide(s.watcher(), s.source(), s.watcherSetting()).kind() == dev.livesync.fs.WatcherChoice.Kind.FANOTIFY;
    } catch (dev.livesync.LivesyncException refused) {
      return false; // said by the watcher check
    }
  }
}
