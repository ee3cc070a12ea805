package dev.livesync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigLoader;
import dev.livesync.fs.Signals;
import dev.livesync.monitor.AlertSettings;
import dev.livesync.monitor.HttpSettings;
import dev.livesync.monitor.Monitor;
import dev.livesync.monitor.WebServer;
import dev.livesync.ops.doctor.ProcessPreflight;
import dev.livesync.ops.service.ServiceFiles;
import dev.livesync.ops.service.SystemdNotify;
import dev.livesync.ops.status.StatusDocument;
import dev.livesync.ops.status.StatusServer;
import dev.livesync.settings.Key;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.TransferSlots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    defaultValueProvider = KeyDefaults.class,
    sortOptions = false,
    description = {
      "Replicate a source tree to its targets, live (in the foreground; 'livesync start' runs it in the background).",
      "",
      "  livesync run /data rsync://rsync_backup@172.16.1.41/nfsbackup --password-file /etc/rsync.password",
      "  livesync run /data backup@host:/srv/copy --ssh-key ~/.ssh/id_ed25519 --exclude '*.tmp'",
      "  livesync run --config " + Config.DEFAULT_FILE,
      "",
      "Watches first, then runs an initial full sync per target (events meanwhile are queued), then ships",
      "every change in batches: one rsync per batch, parallel workers per target, retries with backoff,",
      "a journal of unsent work in the state dir. SIGTERM/SIGINT: drain (bounded) and exit 0.",
      "SIGHUP (with --config): reload the config and restart only the syncs that changed.",
      "Exit codes: 0 stopped by a signal; 2 bad arguments or source, or an --http address it cannot listen",
      "on (a port another process holds); 5 a target refused us at start",
      "(authentication, module); 69 rsync not found; 70 internal error; 73 cannot write the state dir or log",
      "file; 75 already running (the sync's state dir is locked, or another livesync's sync writes one of its",
      "targets); 78 bad config file. All codes: docs/operations.md.",
      ""
    })
final class RunCommand extends Subcommand {
  /**
   * Without the rsync program every transfer fails and is retried for ever: a replicator that runs
   * and ships nothing. Refused at start (69), by {@code --check} and {@code start} too.
   */
  private static void requireRsync(List<EngineSettings> settings) {
    for (EngineSettings s : settings) {
      for (var t : s.targets()) {
        String program = t.options().rsyncCommand().getFirst();
        if (dev.livesync.fs.Executables.find(program) == null) {
          throw new LivesyncException("cannot run rsync: " + (program.contains("/") ? program + " is not an executable file"
              : "'" + program + "' is not on PATH (" + System.getenv("PATH") + ")") + ": install it (apt-get install rsync)", dev.livesync.Exit.UNAVAILABLE);
        }
      }
    }
  }

  /**
   * The logger, made on first use: picocli builds every command for any command line, and setting up
   * logback (it parses logback.xml) was 40 % of `livesync --version`.
   */
  private static final class Log {
    static final Logger log = LoggerFactory.getLogger(RunCommand.class);
  }
  /** How often systemd's STATUS= line is refreshed under a Type=notify unit. */
  private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

  @Mixin SyncFlags sync;

  @Option(names = "--status-socket", paramLabel = "PATH", description = "Unix socket for 'livesync status' (default: the config's status_socket, else the runtime dir's livesync.sock).")
  Path statusSocket;

  @Option(names = "--stop-timeout", paramLabel = "DURATION", description = "On SIGTERM, how long in-flight work may finish; the rest stays journaled (default: the config's stop_timeout, else ${DEFAULT-VALUE}).")
  Duration stopTimeout;

  @Option(names = "--max-transfers", paramLabel = "N", description = "At most N batches and renames in flight at once, over all targets and syncs, 1-1024 (default: the config's max_transfers, else twice the CPUs, at least 4); full syncs are not counted. Waiting batches merge: fewer rsync runs when the machine is busy.")
  Integer maxTransfers;

  @picocli.CommandLine.Mixin MonitorOptions monitorOptions = new MonitorOptions();

  @Option(names = "--log-file", paramLabel = "FILE", description = "Also log to this file (default: the config's log_file, else stderr only, as journald wants).")
  Path logFile;

  @Option(names = "--log-level", paramLabel = "LEVEL", description = "error | warn | info | debug | trace (default: the config's log_level, else info).")
  String logLevel;

  /** The log file this run writes (null: none); a reloaded config's syncs are checked against it. */
  private Path logFileInUse;
  /** The state root this run started with (--state-dir, else the config's state_dir, else the default); a reload keeps it. */
  private Path stateRootInUse;
  /** The config as last loaded (at the start, then by each reload that took): what a reload compares with. */
  private Config loaded;
  /** Why the last SIGHUP left the config as it was (status shows it), or empty. */
  private final java.util.concurrent.atomic.AtomicReference<String> reloadRefused = new java.util.concurrent.atomic.AtomicReference<>("");

  @Option(names = "--check", description = "Check the settings (every value, the sources, password files and keys) and exit: 0 when run would start with them.")
  boolean check;

  @Override
  public Integer call() throws InterruptedException {
    Config cfg = sync.loadConfig();
    if (cfg == null && sync.args.isEmpty()) {
      throw new LivesyncException("give SOURCE TARGET... or --config FILE (" + Config.DEFAULT_PATH + " does not exist)", 2);
    }
    Path configFile = cfg == null ? null : cfg.file();
    loaded = cfg;
    stateRootInUse = sync.stateRoot(cfg);
    ProcessSettings process = processSettings(cfg);
    List<RunningSyncs.Plan> plans = plans(cfg);
    if (plans.isEmpty()) throw new LivesyncException("nothing to run: " + configFile + " has no [[sync]]", 78);
    List<EngineSettings> settings = plans.stream().map(RunningSyncs.Plan::settings).toList();
    // before anything is written: a log file the checks refuse (inside a source) must not be made first
    sync.preflight(cfg, settings, withWatchers(settings, ProcessPreflight.problems(settings, process.logFile(), process.statusSocket())));
    requireRsync(settings);
    configureLogging(process.logFile(), process.logLevel());
    logFileInUse = process.logFile();
    String mode = configFile == null ? null : dev.livesync.config.ConfigFileMode.problem(configFile);
    if (mode != null && check) err().println("livesync run: warning: config " + configFile + " " + mode);
    else if (mode != null) Log.log.warn("config {} {}", configFile, mode);
    Duration bound = process.stopTimeout();
    TransferSlots.shared().limit(process.maxTransfers());
    Path statusSocket = process.statusSocket();
    HttpSettings http = monitorOptions.httpSettings(cfg);
    AlertSettings alerts = monitorOptions.alertSettings(cfg);
    if (check) {
      boolean runningHere = WhatRunWrites.check(statusSocket, http, settings, configFile != null);
      out().printf("settings OK: %d sync(s)%s%s%n", plans.size(), configFile == null ? "" : " in " + configFile, runningHere
          ? "; the livesync answering on " + statusSocket + " runs them: a reload takes these settings (systemctl reload, or SIGHUP)" : "");
      out().flush();
      return 0;
    }

    BlockingQueue<String> signals = new LinkedBlockingQueue<>();
    Signals.handle(signals::add);
    var monitorRef = new java.util.concurrent.atomic.AtomicReference<Monitor>();
    var syncs = new RunningSyncs(name -> monitorRef.get() == null ? null : monitorRef.get().forSync(name));
    java.util.function.BooleanSupplier stopAsked = () -> signals.contains("TERM") || signals.contains("INT");
    syncs.stopRequestedBy(stopAsked); // a start or reload waiting for first syncs returns: the stop below bounds them
    // its state root: where status finds the last verify; and a reload the config file did not allow, until one does
    var doc = StatusDocument.live(syncs::statuses, bound, sync.stateRoot(cfg), reloadRefused::get);
    try (SystemdNotify systemd = SystemdNotify.fromEnvironment(System.getenv());
        StatusServer status = StatusDocument.serveDocument(statusSocket, doc, syncs::command);
        Monitor monitor = http == null && alerts == null ? null : new Monitor(doc, dev.livesync.sync.Clock.SYSTEM, alerts);
        WebServer web = http == null ? null : WebServer.start(http, monitor.registry(), monitor.routes())) {
      if (monitor != null) {
        monitorRef.set(monitor);
        monitor.start();
      }
      if (web != null) Log.log.info("status page and /metrics on {}{}", http.url(), http.token() == null ? "" : " (bearer token required)");
      if (alerts != null) Log.log.info("alerts go to: {} (after {} s failing, lag above {} s for a minute)", alerts.command(), alerts.after().toSeconds(), alerts.lag().toSeconds());
      syncs.startAll(plans, bound, () -> {
        // watches set, initial syncs queued: systemd may start what comes after us
        systemd.ready(syncs.size() + " sync(s) watching; initial sync queued");
        systemd.heartbeat(syncs::loopsTurnedWithin, () -> SystemdNotify.describe(syncs.statuses()), STATUS_EVERY);
      });
      status.warm(); // the first answer's cost paid here, not by the first client's wait
      if (!stopAsked.getAsBoolean()) Log.log.info("running: {} sync(s); status: livesync status (socket {})", syncs.size(), status.socket());
      while (true) {
        String sig = signals.poll(1, TimeUnit.SECONDS);
        Throwable crash = syncs.crashed();
        if (crash != null) {
          systemd.stopping("internal error, stopping: " + crash);
          if (monitor != null) monitor.stopping();
          syncs.stopAll(bound);
          throw new LivesyncException("internal error, stopped: " + crash, 70, crash);
        }
        if (sig == null || sig.equals("USR1")) continue;
        if (sig.equals("HUP")) {
          reopenLogs();
          reload(configFile, syncs, bound);
          continue;
        }
        Log.log.info("SIG{}: stopping; in-flight work may take up to {} s, the rest stays journaled for the next start", sig, bound.toSeconds());
        systemd.stopping("SIG" + sig + ": draining (up to " + bound.toSeconds() + " s)");
        if (monitor != null) monitor.stopping(); // alerts: a pending resolution is sent as the monitor closes
        syncs.stopAll(bound);
        dev.livesync.ops.service.BackgroundLauncher.pidFileGone();
        Log.log.info("stopped");
        return 0;
      }
    }
  }

  /**
   * {@code --check}: what run would fail to make, write or listen on, tried in the order run meets
   * them (the status socket — another livesync answering there holds the --http port too — its
   * directory, the --http address, each sync's state dir and its lock, held by another run of that sync, its targets' locks, held
   * by another livesync's sync) and refused with run's own line and exit
   * code (75, 73, 1).
   */
  /**
   * The files of this run as {@code start} launches it: its status socket, chosen as {@link #call()}
   * chooses it; the runtime dir's pidfile for the default socket only (one started on another socket
   * is found by that socket, as {@code status} and {@code stop} find it); the log in its state dir. Read after
   * picocli parsed the run's arguments.
   */
  ServiceFiles startFiles() {
    Config cfg = sync.loadConfig();
    Path socket = InstanceFlags.socket(statusSocket, cfg);
    var d = ServiceFiles.defaults();
    // the log in the state dir the run uses: --state-dir, else the config's state_dir, else the default
    return new ServiceFiles(socket.equals(d.socket()) ? d.pidFile() : null, sync.stateRoot(cfg).resolve(ServiceFiles.LOG), socket);
  }

  /** The log file this run writes besides stderr (--log-file, else log_file), or null; known after {@link #call()}. */
  Path logFile() {
    return logFileInUse;
  }

  /**
   * The status command that finds the run these arguments start: plain {@code livesync status} when a
   * bare one asks its socket, else with its --status-socket, or with the config whose status_socket it is.
   */
  String statusCommand() {
    Config cfg = sync.loadConfig();
    Path socket = InstanceFlags.socket(statusSocket, cfg);
    if (socket.equals(new InstanceFlags().socket())) return "livesync status";
    if (statusSocket != null || cfg == null) return "livesync status --status-socket " + CliErrors.quote(socket.toString());
    return "livesync status --config " + CliErrors.quote(cfg.file().toAbsolutePath().toString());
  }

  /** The process's own settings: a flag, else the config's key, else the key's default — each by its key's rule. */
  record ProcessSettings(Path logFile, String logLevel, Path statusSocket, Duration stopTimeout, int maxTransfers) {}

  private ProcessSettings processSettings(Config cfg) {
    Path log = logFile != null ? Key.LOG_FILE.absolutePath(logFile.toAbsolutePath()) : cfg == null ? null : cfg.logFile();
    // --log-level has a default of its own (KeyDefaults): only one given on the command line wins over the config's
    boolean levelGiven = cmd.commandLine().getParseResult().hasMatchedOption("--log-level");
    String level = levelGiven || cfg == null ? Key.LOG_LEVEL.choice(logLevel != null ? logLevel : Key.LOG_LEVEL.defaultText()) : cfg.logLevel();
    Path socket = InstanceFlags.socket(statusSocket, cfg);
    boolean stopGiven = cmd.commandLine().getParseResult().hasMatchedOption("--stop-timeout");
    Duration stop = Key.STOP_TIMEOUT.duration(stopGiven || cfg == null ? stopTimeout : cfg.stopTimeout());
    return new ProcessSettings(log, level, socket, stop, maxTransfers(cfg));
  }

  /** --max-transfers, else the config's max_transfers (checked when it was read), else the default. */
  private int maxTransfers(Config cfg) {
    if (maxTransfers != null) return (int) Key.MAX_TRANSFERS.whole(maxTransfers);
    return cfg != null && cfg.maxTransfers() != null ? cfg.maxTransfers() : TransferSlots.defaultLimit();
  }

  /**
   * The syncs of {@code cfg}, each with its state dir under the state root this run started with: a
   * state_dir changed in the file takes effect at the next restart, as the other top-level keys do
   * (a reload that moved the syncs it restarts there left their journal, clean-stop record and held
   * deletions behind, and restarted syncs that had not changed).
   */
  private List<RunningSyncs.Plan> plans(Config cfg) {
    return sync.syncs(cfg, true).stream()
        .map(s -> s.stateDir().equals(EngineSettings.stateDirOf(stateRootInUse, s.name())) ? s
            : s.toBuilder().stateDir(EngineSettings.stateDirOf(stateRootInUse, s.name())).build())
        .map(RunningSyncs.Plan::new).toList();
  }

  /**
   * Refuses to start what the file system would not let run (a missing source, ...): every problem,
   * one per line, located in the config file (exit 78) or named by its argument (exit 2).
   */
  private void preflight(Config cfg, List<RunningSyncs.Plan> plans) {
    List<EngineSettings> settings = plans.stream().map(RunningSyncs.Plan::settings).toList();
    sync.preflight(cfg, settings, withWatchers(settings, ProcessPreflight.problems(settings, logFileInUse, null)));
  }

  /** {@code process}'s problems, then each sync's {@code watcher = fanotify} that cannot be had (run's own: doctor and verify say it otherwise). */
  private static List<dev.livesync.settings.SettingException> withWatchers(List<EngineSettings> settings, List<dev.livesync.settings.SettingException> process) {
    var all = new java.util.ArrayList<>(process);
    all.addAll(dev.livesync.sync.Preflight.watchers(settings));
    return all;
  }

  /** SIGHUP: the log files are opened again by name (logrotate renamed them); a failure keeps the old ones. */
  private static void reopenLogs() {
    try {
      List<String> files = LogSetup.reopen();
      if (!files.isEmpty()) Log.log.info("SIGHUP: log reopened: {}", String.join(", ", files));
    } catch (java.io.IOException | LivesyncException e) {
      Log.log.error("SIGHUP: cannot reopen the log, still writing to the old file: {}", e.getMessage());
    }
  }

  private void reload(Path configFile, RunningSyncs syncs, Duration bound) throws InterruptedException {
    if (configFile == null) {
      Log.log.info("SIGHUP: nothing to reload (started without a config file)");
      return;
    }
    List<RunningSyncs.Plan> plans;
    Config cfg;
    try {
      cfg = ConfigLoader.load(configFile);
      plans = plans(cfg);
      preflight(cfg, plans);
      LivesyncException held = syncs.startRefusal(plans);
      if (held != null) throw held;
    } catch (LivesyncException e) {
      Log.log.error("SIGHUP: {} not reloaded, the running syncs continue unchanged: {}", configFile, e.getMessage());
      reloadRefused.set("SIGHUP at " + clockTime(java.time.LocalTime.now()) + ": " + configFile + " not reloaded, the running syncs continue"
          + " unchanged: " + e.getMessage().replace('\n', ' '));
      return;
    }
    reloadRefused.set("");
    Log.log.info("SIGHUP: reloading {}", configFile);
    List<String> kept = processKeysChanged(loaded, cfg);
    if (!kept.isEmpty()) {
      Log.log.warn("SIGHUP: top-level settings changed: {}; they take effect at the next restart (until then the running process keeps its own{})",
          String.join(", ", kept), kept.contains("status_socket") ? ": 'livesync status' and 'stop' still find it" : "");
    }
    loaded = cfg;
    TransferSlots.shared().limit(maxTransfers(cfg)); // a flag given at the start still wins
    syncs.reload(plans, bound);
  }

  /**
   * The top-level keys of the file that differ between {@code before} and {@code after} and that a
   * reload does not apply: the process's own settings (socket, log, state root, stop timeout, status
   * page, alerts) are set once at its start; only [[sync]] blocks and max_transfers follow a reload.
   */
  static List<String> processKeysChanged(Config before, Config after) {
    List<String> out = new ArrayList<>();
    if (before == null) return out;
    java.util.function.BiConsumer<String, java.util.function.Function<Config, Object>> cmp = (key, get) -> {
      if (!java.util.Objects.equals(get.apply(before), get.apply(after))) out.add(key);
    };
    cmp.accept("state_dir", Config::stateDir);
    cmp.accept("log_file", Config::logFile);
    cmp.accept("log_level", Config::logLevel);
    cmp.accept("status_socket", Config::statusSocket);
    cmp.accept("stop_timeout", Config::stopTimeout);
    cmp.accept("[http]", c -> List.of(String.valueOf(c.monitor().listen()), String.valueOf(c.monitor().tokenFile())));
    cmp.accept("[alert]", c -> List.of(String.valueOf(c.monitor().alertExec()), String.valueOf(c.monitor().alertAfter()), String.valueOf(c.monitor().alertLag())));
    return out;
  }

  /** Level and optional log file; stderr stays (journald reads it), but under {@code start}. */
  private static void configureLogging(Path file, String level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (level != null) {
      root.setLevel(Level.toLevel(Key.LOG_LEVEL.choice(level)));
    }
    if (file == null) return;
    var enc = LogSetup.encoder(ctx, "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0}: %msg%n");
    var app = new FileAppender<ILoggingEvent>();
    app.setContext(ctx);
    app.setName("FILE");
    app.setFile(file.toString());
    app.setAppend(true);
    app.setEncoder(enc);
    app.start();
    if (!app.isStarted()) {
      throw new LivesyncException("cannot write the log file " + file + ": check that its directory exists and is writable by this user",
          dev.livesync.Exit.CANNOT_WRITE);
    }
    root.addAppender(app);
    // under 'start' stderr is start's own output file: each line goes to the log file once, and the
    // output file keeps only what cannot go there (a command line refused, a JVM's last words)
    if (System.getenv(dev.livesync.ops.service.BackgroundLauncher.OUTPUT_LOG_ENV) != null) root.detachAppender("STDERR");
  }

  /** {@code t} as HH:mm:ss: LocalTime's own text drops the seconds when they are 0 ("17:10"). */
  static String clockTime(java.time.LocalTime t) {
    return t.format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"));
  }
}
