package dev.livesync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigLoader;
import dev.livesync.config.SyncConfig;
import dev.livesync.events.Signals;
import dev.livesync.monitor.AlertSettings;
import dev.livesync.monitor.HttpSettings;
import dev.livesync.monitor.Monitor;
import dev.livesync.monitor.WebServer;
import dev.livesync.ops.StatusDocument;
import dev.livesync.ops.StatusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Replicate a source tree to its targets, live (in the foreground; 'livesync start' runs it in the background).",
      "",
      "  livesync run /data rsync://rsync_backup@172.16.1.41/nfsbackup --password-file /etc/rsync.password",
      "  livesync run /data backup@host:/srv/copy --ssh-key ~/.ssh/id_ed25519 --exclude '*.tmp'",
      "  livesync run --config /etc/livesync/livesync.toml",
      "",
      "Watches first, then runs an initial full sync per target (events meanwhile are queued), then ships",
      "every change in batches: one rsync per batch, parallel workers per target, retries with backoff,",
      "a journal of unsent work in the state dir. SIGTERM/SIGINT: drain (bounded) and exit 0.",
      "SIGHUP (with --config): reload the config and restart only the syncs that changed.",
      "Exit codes: 0 stopped by a signal; 2 bad arguments or source; 5 a target refused us at start",
      "(authentication, module); 70 internal error; 78 bad config file.",
      ""
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Parameters(paramLabel = "SOURCE TARGET", description = "The source directory, then one or more targets: rsync://[user@]host[:port]/module[/path], [user@]host::module[/path], [user@]host:/path (ssh), or a local directory.")
  List<String> args = new ArrayList<>();

  @Option(names = "--config", paramLabel = "FILE", description = "A livesync.toml with one or more [[sync]] blocks (default: " + "/etc/livesync/livesync.toml when no SOURCE TARGET is given). See docs/config.md.")
  Path config;

  @Option(names = "--password-file", paramLabel = "FILE", description = "rsync daemon password file (mode 0600; else RSYNC_PASSWORD from the environment).")
  Path passwordFile;

  @Option(names = "--ssh-key", paramLabel = "FILE", description = "ssh identity for host:/path targets.")
  Path sshKey;

  @Option(names = "--ssh-port", paramLabel = "PORT", description = "ssh port (default: ssh's).")
  int sshPort;

  @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts for ssh targets (new hosts are accepted once, changed keys refused).")
  Path knownHosts;

  @Option(names = "--exclude", paramLabel = "PATTERN", description = "rsync-style exclude pattern (repeatable); applied to events and full syncs alike, excluded dirs are not watched.")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--delay", paramLabel = "DURATION", defaultValue = "200ms", description = "How long a batch collects changes before it is shipped (default: ${DEFAULT-VALUE}).")
  String delay;

  @Option(names = "--max-hold", paramLabel = "DURATION", defaultValue = "10s", description = "Longest a file still open for writing is held back before it ships anyway (default: ${DEFAULT-VALUE}).")
  String maxHold;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "4", description = "Parallel rsync processes per target (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--batch-max-files", paramLabel = "N", defaultValue = "2000", description = "A batch closes early at this many paths (default: ${DEFAULT-VALUE}).")
  int batchMaxFiles;

  @Option(names = "--batch-max-bytes", paramLabel = "SIZE", defaultValue = "64MiB", description = "...or at this much file data (default: ${DEFAULT-VALUE}).")
  String batchMaxBytes;

  @Option(names = "--delete", paramLabel = "POLICY", defaultValue = "always", description = "always | startup | running | never: when target files missing at the source are deleted (default: ${DEFAULT-VALUE}).")
  String delete;

  @Option(names = "--schedule", paramLabel = "DURATION", description = "Also run a full resync this often (e.g. 1h).")
  String schedule;

  @Option(names = "--exec", paramLabel = "COMMAND", description = "Run after each delivered batch (sh -c; the batch's paths NUL-separated on stdin, LIVESYNC_TARGET in the environment).")
  String exec;

  @Option(names = "--bwlimit", paramLabel = "RATE", description = "rsync --bwlimit per transfer (e.g. 10m).")
  String bwlimit;

  @Option(names = "--compress", description = "rsync -z.")
  boolean compress;

  @Option(names = "--checksum", description = "rsync -c: compare contents, not size and mtime.")
  boolean checksum;

  @Option(names = "--rsync-arg", paramLabel = "ARG", description = "Extra rsync argument (repeatable); options that would break the engine (--delete, --files-from, ...) are refused.")
  List<String> rsyncArgs = new ArrayList<>();

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120", description = "rsync --timeout and connect timeout (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--retry-initial", paramLabel = "DURATION", defaultValue = "1s", description = "First retry delay after a failure (default: ${DEFAULT-VALUE}); doubles with jitter up to --retry-max.")
  String retryInitial;

  @Option(names = "--retry-max", paramLabel = "DURATION", defaultValue = "60s", description = "Longest retry delay (default: ${DEFAULT-VALUE}).")
  String retryMax;

  @Option(names = "--name", paramLabel = "NAME", description = "The sync's name (logs, state dir; default: from the source path).")
  String name;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Journal directory (default: /var/lib/livesync/NAME).")
  Path stateDir;

  @Option(names = "--status-socket", paramLabel = "PATH", description = "Unix socket for 'livesync status' (default: the runtime dir's livesync.sock).")
  Path statusSocket;

  @Option(names = "--stop-timeout", paramLabel = "DURATION", defaultValue = "30s", description = "On SIGTERM, how long in-flight work may finish; the rest stays journaled (default: ${DEFAULT-VALUE}).")
  String stopTimeout;

  @picocli.CommandLine.Mixin MonitorOptions monitorOptions = new MonitorOptions();

  @Option(names = "--log-file", paramLabel = "FILE", description = "Also log to this file (default: stderr only, as journald wants).")
  Path logFile;

  @Option(names = "--log-level", paramLabel = "LEVEL", description = "error | warn | info | debug | trace (default: info, or the config's log_level).")
  String logLevel;

  @Override
  public Integer call() throws InterruptedException {
    Path configFile = configFile();
    Config cfg = configFile == null ? null : ConfigLoader.load(configFile);
    configureLogging(logFile != null ? logFile : cfg == null ? null : cfg.logFile(),
        logLevel != null ? logLevel : cfg == null ? null : cfg.logLevel());
    Duration bound = RunPlan.duration(stopTimeout, "--stop-timeout");
    List<RunningSyncs.Plan> plans = plans(cfg);
    if (plans.isEmpty()) throw new LivesyncException("nothing to run: " + configFile + " has no [[sync]]", 78);

    HttpSettings http = monitorOptions.httpSettings(cfg);
    AlertSettings alerts = monitorOptions.alertSettings(cfg);

    BlockingQueue<String> signals = new LinkedBlockingQueue<>();
    Signals.handle(signals::add);
    var monitorRef = new java.util.concurrent.atomic.AtomicReference<Monitor>();
    var syncs = new RunningSyncs(name -> monitorRef.get() == null ? null : monitorRef.get().forSync(name));
    var doc = StatusDocument.live(syncs::statuses);
    try (StatusServer status = StatusDocument.serveDocument(statusSocket != null ? statusSocket : StatusServer.defaultSocket(), doc);
        Monitor monitor = http == null && alerts == null ? null : new Monitor(doc, dev.livesync.sync.Clock.SYSTEM, alerts);
        WebServer web = http == null ? null : WebServer.start(http, monitor.registry(), monitor.routes())) {
      if (monitor != null) {
        monitorRef.set(monitor);
        monitor.start();
      }
      if (web != null) log.info("status page and /metrics on {}{}", http.url(), http.token() == null ? "" : " (bearer token required)");
      if (alerts != null) log.info("alerts go to: {} (after {} s failing, lag above {} s for a minute)", alerts.command(), alerts.after().toSeconds(), alerts.lag().toSeconds());
      syncs.startAll(plans, bound);
      log.info("running: {} sync(s); status: livesync status (socket {})", syncs.size(), status.socket());
      while (true) {
        String sig = signals.poll(1, TimeUnit.SECONDS);
        Throwable crash = syncs.crashed();
        if (crash != null) {
          syncs.stopAll(bound);
          throw new LivesyncException("internal error, stopped: " + crash, 70, crash);
        }
        if (sig == null || sig.equals("USR1")) continue;
        if (sig.equals("HUP")) {
          reload(configFile, syncs, bound);
          continue;
        }
        log.info("SIG{}: stopping; in-flight work may take up to {} s, the rest stays journaled for the next start", sig, bound.toSeconds());
        syncs.stopAll(bound);
        log.info("stopped");
        return 0;
      }
    }
  }

  private Path configFile() {
    if (config != null) {
      if (!args.isEmpty()) throw new LivesyncException("give either --config FILE or SOURCE TARGET..., not both", 2);
      return config;
    }
    if (args.isEmpty() && Files.exists(Config.DEFAULT_PATH)) return Config.DEFAULT_PATH;
    if (args.isEmpty()) {
      throw new LivesyncException("give SOURCE TARGET... or --config FILE (" + Config.DEFAULT_PATH + " does not exist); see livesync run --help", 2);
    }
    return null;
  }

  private List<RunningSyncs.Plan> plans(Config cfg) {
    if (cfg == null) return List.of(new RunningSyncs.Plan(RunPlan.fromArgs(this), null));
    var settings = RunPlan.fromConfig(cfg);
    List<RunningSyncs.Plan> out = new ArrayList<>();
    for (int i = 0; i < settings.size(); i++) {
      SyncConfig sc = cfg.syncs().get(i);
      out.add(new RunningSyncs.Plan(settings.get(i), sc));
    }
    return out;
  }

  private void reload(Path configFile, RunningSyncs syncs, Duration bound) throws InterruptedException {
    if (configFile == null) {
      log.info("SIGHUP: nothing to reload (started without a config file)");
      return;
    }
    Config cfg;
    List<RunningSyncs.Plan> plans;
    try {
      cfg = ConfigLoader.load(configFile);
      plans = plans(cfg);
    } catch (LivesyncException e) {
      log.error("SIGHUP: {} not reloaded, the running syncs continue unchanged: {}", configFile, e.getMessage());
      return;
    }
    log.info("SIGHUP: reloading {}", configFile);
    syncs.reload(plans, bound);
  }

  /** Level and optional log file; stderr stays (journald reads it). */
  private static void configureLogging(Path file, String level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (level != null) {
      Level l = Level.toLevel(level, null);
      if (l == null) throw new LivesyncException("log level '" + level + "' is not one of error, warn, info, debug, trace", 2);
      root.setLevel(l);
    }
    if (file == null) return;
    var enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    enc.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{0}: %msg%n");
    enc.start();
    var app = new FileAppender<ILoggingEvent>();
    app.setContext(ctx);
    app.setName("FILE");
    app.setFile(file.toString());
    app.setAppend(true);
    app.setEncoder(enc);
    app.start();
    if (!app.isStarted()) throw new LivesyncException("cannot write the log file " + file, 1);
    root.addAppender(app);
  }
}
