package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigLoader;
import dev.livesync.fs.Bytes;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Key;
import dev.livesync.sync.DeletePolicy;
import dev.livesync.sync.EngineSettings;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A sync as {@code run}, {@code doctor} and {@code verify} take it: {@code --config FILE}, or
 * {@code SOURCE TARGET...} with the flags of a {@code [[sync]]} and its targets. Each flag's value is
 * checked by the engine's own settings types through its {@link Key}, as the config file's is, so
 * the three commands and the config accept and refuse the same values; defaults come from the keys
 * ({@link KeyDefaults}). Relative paths are taken from the current directory.
 */
final class SyncFlags {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Parameters(paramLabel = "SOURCE TARGET", description = {"The source directory, then one or more targets, each one of:", "a local directory, [user@]host:/path (rsync over ssh),", "rsync://[user@]host[:port]/module[/path] or [user@]host::module[/path] (daemon)."})
  List<String> args = new ArrayList<>();

  @Option(names = "--config", paramLabel = "FILE", description = "A livesync.toml (docs/config.md) with one or more [[sync]] blocks (default: " + Config.DEFAULT_FILE + " when no SOURCE TARGET is given).")
  Path config;

  @Mixin CredentialFlags credentials;

  @Option(names = "--exclude", paramLabel = "PATTERN", description = "rsync-style exclude pattern (repeatable); applied to events and full syncs alike, excluded dirs are not watched.")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--delay", paramLabel = "DURATION", description = "How long a batch collects changes before it is shipped (default: ${DEFAULT-VALUE}).")
  Duration delay;

  @Option(names = "--max-hold", paramLabel = "DURATION", description = "Longest a regular file still open for writing is held back before it ships anyway (default: ${DEFAULT-VALUE}); symlinks, hard links and closed files are never held.")
  Duration maxHold;

  @Option(names = "--workers", paramLabel = "N", description = "Parallel rsync processes per target, 1-64 (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--batch-max-files", paramLabel = "N", description = "A batch closes early at this many paths (default: ${DEFAULT-VALUE}).")
  int batchMaxFiles;

  @Option(names = "--batch-max-bytes", paramLabel = "SIZE", converter = Converters.SizeConverter.class, description = "...or at this much file data (default: ${DEFAULT-VALUE}).")
  long batchMaxBytes;

  @Option(names = "--large-file-threshold", paramLabel = "SIZE", converter = Converters.SizeConverter.class, description = "Files this big travel in an rsync run of their own (default: ${DEFAULT-VALUE}).")
  long largeFileThreshold;

  @Option(names = "--delete", paramLabel = "POLICY", description = "always | startup | running | never: when target files missing at the source are deleted (default: ${DEFAULT-VALUE}).")
  String delete;

  @Option(names = "--watcher", paramLabel = "KIND", description = "auto | inotify | fanotify: what watches the source (default: ${DEFAULT-VALUE}: fanotify where the source is a whole filesystem with nothing mounted below it and fanotify may mark it, else inotify; see docs/engine.md).")
  String watcher;

  @Option(names = "--startup", paramLabel = "MODE", description = "changes | full: what a start sends to a target (default: ${DEFAULT-VALUE}: after a clean stop, only what changed at the source since then; else, and with full, a full sync of the tree).")
  String startup;

  @Option(names = "--schedule", paramLabel = "DURATION", description = "Also run a full resync this often (e.g. 6h; at least 1s).")
  Duration schedule;

  @Option(names = "--exec", paramLabel = "COMMAND", description = "Run after each batch delivered to a target, once per target (sh -c; the batch's paths NUL-separated on stdin, LIVESYNC_TARGET and LIVESYNC_SOURCE in the environment; killed after 5 minutes).")
  String exec;

  @Option(names = "--bwlimit", paramLabel = "RATE", description = "rsync --bwlimit per rsync run (e.g. 10M, 500K, 512b; 0 or at least 512 bytes/s); up to --workers runs per target go at once.")
  String bwlimit;

  @Option(names = "--compress", description = "rsync -z.")
  boolean compress;

  @Option(names = "--checksum", description = "rsync -c: compare contents, not size and mtime.")
  boolean checksum;

  @Option(names = "--rsync-arg", paramLabel = "ARG", description = "Extra rsync argument (repeatable); options that would break the engine (--delete, --files-from, ...) are refused.")
  List<String> rsyncArgs = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "DURATION", description = "rsync --timeout and connect timeout, 0s for none (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--max-delete", paramLabel = "PERCENT|N|off", description = "Mass-deletion guard: when a full sync, or the deletions of one minute, would delete more than this share of the files a target held a minute before (or this many paths), deletions for that target are held until 'livesync release-deletes' (default: ${DEFAULT-VALUE}; off: no guard). A share never holds 100 paths or fewer: a tree of up to 100 files can be emptied while running without a hold; to guard a small tree, give a number (e.g. 20). A full sync that would leave nothing on the target (an empty or mistyped source) is held whatever the count. Only a rename's new name makes up for a deletion: files written under new names before the old ones were deleted (ransomware's copies) do not.")
  String maxDelete;

  @Option(names = "--versions", paramLabel = "DURATION", description = "Keep every file livesync overwrites or deletes on a target for this long (e.g. 30d; default: no versions), under .livesync/versions/<UTC time>/ there. See docs/versions.md.")
  Duration versions;

  @Option(names = "--retry-initial", paramLabel = "DURATION", description = "First retry delay after a failure (default: ${DEFAULT-VALUE}); doubles with jitter up to --retry-max.")
  Duration retryInitial;

  @Option(names = "--retry-max", paramLabel = "DURATION", description = "Longest retry delay (default: 60s, or --retry-initial if longer).")
  Duration retryMax;

  @Option(names = "--name", paramLabel = "NAME", description = "The sync's name (logs, status, its journal directory; default: from the source path, /srv/www -> srv_www).")
  String name;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "State root: each sync's journal is in DIR/NAME, which one run of the sync locks (default: the config's state_dir, else $LIVESYNC_STATE_DIR, else /var/lib/livesync as root, ~/.local/state/livesync for other users).")
  Path stateDir;

  /** The config to use, or null: --config, else the default file when no SOURCE TARGET is given and it exists. */
  Config loadConfig() {
    if (config != null) {
      if (!args.isEmpty()) throw new LivesyncException("give either --config FILE or SOURCE TARGET..., not both", 2);
      return ConfigLoader.load(config);
    }
    if (args.isEmpty() && Files.exists(Config.DEFAULT_PATH)) return ConfigLoader.load(Config.DEFAULT_PATH);
    return null;
  }

  /**
   * The syncs of {@code cfg}, or the one of SOURCE TARGET... ({@code needTarget}: at least one
   * target; none when no SOURCE is given either). With a config, only the process-wide flags apply
   * (--state-dir replaces the file's state_dir); a sync's flags belong in the file, except those the
   * command reads itself ({@code ownFlags}).
   */
  List<EngineSettings> syncs(Config cfg, boolean needTarget, String... ownFlags) {
    if (cfg == null) return args.isEmpty() && !needTarget ? List.of() : List.of(fromArgs(needTarget));
    var matched = mixee.commandLine().getParseResult().matchedOptions();
    for (var o : matched) {
      Key k = Key.byCliName(o.longestName());
      if (k != null && k.scope() != Key.Scope.RUN && !List.of(ownFlags).contains(o.longestName())) {
        throw new LivesyncException(o.longestName() + " is for SOURCE TARGET...; with --config, set " + k.configName() + " in " + cfg.file(), 2);
      }
    }
    if (stateDir == null) return cfg.syncs();
    Path root = Key.STATE_DIR.absolutePath(stateDir.toAbsolutePath());
    return cfg.syncs().stream().map(s -> s.toBuilder().stateDir(EngineSettings.stateDirOf(root, s.name())).build()).toList();
  }

  /**
   * Refuses what the file system would not let run (a missing source, password file, ...): every
   * problem, one per line, located in the config file (exit 78) or named by its flag or argument (exit 2),
   * as {@code run} refuses it.
   */
  void preflight(Config cfg, List<EngineSettings> syncs) {
    preflight(cfg, syncs, List.of());
  }

  /**
   * {@link #preflight(Config, List)} with the problems of the process's own settings ({@code process}:
   * the state dir, log file, status socket), said first. Such a setting given as a flag is named by
   * its flag (exit 2, also beside --config), one from the file is located there (78).
   */
  void preflight(Config cfg, List<EngineSettings> syncs, List<dev.livesync.settings.SettingException> process) {
    List<dev.livesync.settings.SettingException> problems = new ArrayList<>(process);
    problems.addAll(dev.livesync.sync.Preflight.problems(syncs));
    if (problems.isEmpty()) return;
    var cl = mixee.commandLine();
    var parsed = cl.getParseResult();
    boolean located = false;
    List<String> lines = new ArrayList<>();
    for (var e : problems) {
      Key k = e.key();
      boolean byFlag = cfg == null || k.scope() == Key.Scope.RUN && k.cliName() != null && parsed.hasMatchedOption(k.cliName());
      lines.add(byFlag ? CliErrors.describe(e, cl, parsed) : cfg.locate(e).getMessage());
      located |= !byFlag;
    }
    throw new LivesyncException(String.join("\n", lines), located ? 78 : 2);
  }

  /** The state root: --state-dir, else the config's, else the one rule for this user ({@link Dirs#state()}). */
  Path stateRoot(Config cfg) {
    if (stateDir != null) return Key.STATE_DIR.absolutePath(stateDir.toAbsolutePath());
    return cfg != null ? cfg.stateDir() : Dirs.state().toAbsolutePath();
  }

  private EngineSettings fromArgs(boolean needTarget) {
    if (args.isEmpty() || needTarget && args.size() < 2) {
      throw new LivesyncException("give SOURCE and at least one TARGET, or --config FILE (" + Config.DEFAULT_PATH + " is used when it exists)", 2);
    }
    Path source = Path.of(args.getFirst()).toAbsolutePath().normalize();
    String syncName = name != null ? name : EngineSettings.defaultName(Bytes.of(source.toString()));
    TargetOptions base = credentials.options(true)
        .bwlimit(bwlimit).compress(compress).checksum(checksum).extraArgs(rsyncArgs).timeout(timeout)
        .versions(versions == null ? null : Key.VERSIONS.duration(versions))
        .build();
    var b = EngineSettings.builder(syncName, Bytes.of(source.toString()))
        .stateDir(EngineSettings.stateDirOf(stateRoot(null), syncName))
        .excludes(excludes).delay(delay).maxHold(maxHold).workers(workers).batchMaxFiles(batchMaxFiles).batchMaxBytes(batchMaxBytes)
        .largeFileThreshold(largeFileThreshold).delete(DeletePolicy.parse(delete)).exec(exec).schedule(schedule).watcher(watcher).startup(startup)
        .retryInitial(retryInitial).retryMax(retryMax).maxDelete(Key.MAX_DELETE.maxDelete(maxDelete));
    List<Target> targets = args.subList(1, args.size()).stream().map(Target::parse).toList();
    // the daemon flags go to the daemon targets, the ssh flags to the ssh targets; a flag no target
    // can use is refused as the config refuses it on a target of the wrong kind
    if (!targets.isEmpty() && targets.stream().noneMatch(t -> t instanceof Target.Daemon)) {
      new TargetSpec(targets.getFirst(), base.toBuilder().ssh(null, 0, null).build());
    }
    if (!targets.isEmpty() && targets.stream().noneMatch(t -> t instanceof Target.Ssh)) {
      new TargetSpec(targets.getFirst(), base.toBuilder().passwordFile(null).build());
    }
    for (Target t : targets) b.target(new TargetSpec(t, CredentialFlags.credentialsFor(t, base)));
    return b.build();
  }
}
