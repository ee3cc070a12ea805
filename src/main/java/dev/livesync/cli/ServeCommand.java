package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.MonitorConfig;
import dev.livesync.monitor.HttpSettings;
import dev.livesync.monitor.ServeMetrics;
import dev.livesync.monitor.WebServer;
import dev.livesync.server.Housekeeping;
import dev.livesync.server.RsyncServer;
import dev.livesync.server.ServeModule;
import dev.livesync.server.ServeSpec;
import dev.livesync.settings.Key;
import dev.livesync.settings.SnapshotRetention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    defaultValueProvider = KeyDefaults.class,
    description = {
      "Run the backup side: a configured rsync daemon, supervised.",
      "Writes rsyncd.conf and a 0600 secrets file into the runtime directory, then runs",
      "'rsync --daemon --no-detach' in the foreground: SIGTERM/SIGINT stop it, a crash restarts it",
      "with backoff, its log goes to stderr (or --log-file). With --http, /metrics counts per module the bytes",
      "received and sent, the connections and the refused logins, and the daemon's restarts.",
      "Beside each writable module NAME, a module NAME+move (same users and hosts) lets livesync clients rename",
      "a directory there in place instead of copying it again (confined to the module, never over a name)."
    })
final class ServeCommand extends Subcommand {

  @Option(names = "--module", paramLabel = "NAME", description = "Module name clients use (rsync://host/NAME).")
  String module;

  @Option(names = "--path", paramLabel = "DIR", description = "Directory the module writes to; must exist.")
  Path path;

  @Option(names = "--user", paramLabel = "USER", description = "The user clients authenticate as.")
  String user;

  @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the password (mode 0600, owned by the user running livesync: the password-file rule of run and doctor).")
  Path passwordFile;

  @Option(names = "--address", paramLabel = "ADDR", description = "Listen on this address only (default: every address of this host, 0.0.0.0 and ::; the log names them).")
  String address;

  @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default: ${DEFAULT-VALUE}).", defaultValue = "873")
  int port;

  @Option(names = "--hosts-allow", paramLabel = "CIDR", split = ",", description = "Only these clients (addresses or CIDRs, comma-separated; a host name works too, at the cost of a name lookup for each connection to the module).")
  List<String> hostsAllow = List.of();

  @Option(names = "--max-connections", paramLabel = "N", description = "Concurrent clients per module (0 = unlimited).")
  int maxConnections;

  @Option(names = "--uid", description = "User the daemon writes files as (root only; default: owner of --path).")
  String uid;

  @Option(names = "--gid", description = "Group the daemon writes files as (root only; default: group of --path).")
  String gid;

  @Option(names = "--log-file", paramLabel = "FILE", description = "Daemon log file (default: our stderr).")
  Path logFile;

  @Option(names = "--runtime-dir", paramLabel = "DIR", description = "Where rsyncd.conf and secrets go (default: <runtime>/serve-PORT).")
  Path runtimeDir;

  @Option(names = "--versions", paramLabel = "DURATION", description = "Prune what clients with --versions keep in each module (.livesync/versions/) once older than this (e.g. 30d); checked every hour.")
  Duration versions;

  @Option(names = "--snapshots", paramLabel = "RETENTION", description = "Hard-link snapshots of each module under .livesync/snapshots/<UTC time>/, e.g. hourly=24,daily=14,weekly=8 (the newest of each of the last 24 hours, 14 days, 8 weeks).")
  String snapshots;

  @Option(names = "--config", paramLabel = "FILE", description = "Read the [serve] section (several modules) from this TOML file.")
  Path config;

  @Option(names = "--print-config", description = "Print the rsyncd.conf that would be written, and exit.")
  boolean printConfig;

  @Mixin HttpFlags web;

  @Override
  public Integer call() throws InterruptedException {
    ServeSpec spec = spec();
    if (printConfig) {
      out().print(RsyncServer.printConfig(spec, moveCommand()));
      out().flush();
      return 0;
    }
    HttpSettings httpSettings = web.settings(MonitorConfig.NONE);
    // before the daemon starts: a port another process holds refuses serve, not a daemon already serving
    if (httpSettings != null) WebServer.probe(httpSettings);
    // SIGTERM/SIGINT stop the daemon and exit 0, as `run` does (systemd counts a 143 as a failed
    // stop), from before the daemon starts: a stop while it starts waits for it, then stops it, so
    // neither the daemon nor its copy of the passwords outlives us. The hook covers every other way
    // out of the JVM. HUP and USR1 are ignored, not fatal.
    var stopAsked = new java.util.concurrent.atomic.AtomicBoolean();
    var started = new java.util.concurrent.atomic.AtomicReference<RsyncServer>();
    Runnable stop = () -> {
      stopAsked.set(true);
      RsyncServer s = started.get();
      if (s != null) s.close();
    };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "serve-shutdown"));
    dev.livesync.fs.Signals.handle(sig -> {
      if (sig.equals("TERM") || sig.equals("INT")) stop.run();
    });
    RsyncServer server = RsyncServer.start(spec, moveCommand());
    started.set(server);
    if (stopAsked.get()) {
      server.close();
      return 0;
    }
    var housekeeping = Housekeeping.start(spec, java.time.Clock.systemUTC());
    WebServer web;
    try {
      ServeMetrics metrics = httpSettings == null ? null : new ServeMetrics(server);
      web = metrics == null ? null : WebServer.start(httpSettings, metrics.registry(), metrics.routes());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    if (web != null) {
      org.slf4j.LoggerFactory.getLogger(ServeCommand.class).info("metrics and status on {}", httpSettings.url());
    }
    server.awaitStopped();
    if (housekeeping != null) housekeeping.close();
    if (web != null) web.close();
    return 0;
  }

  /** How the daemon runs this livesync's {@code serve-move} for a client's directory rename (ModuleMoves). */
  private static List<String> moveCommand() {
    return dev.livesync.ops.service.BackgroundLauncher.selfCommand(Main.class.getName(), List.of(Main.SERVE_MOVE));
  }

  private ServeSpec spec() {
    java.time.Duration keep = versions == null ? null : Key.VERSIONS.duration(versions);
    SnapshotRetention snap = snapshots == null ? null : Key.SNAPSHOTS.snapshots(snapshots);
    if (config != null) {
      if (module != null || path != null || user != null || passwordFile != null) {
        throw new LivesyncException("give either --config FILE or --module/--path/--user/--password-file, not both", 2);
      }
      ServeSpec s = ServeConfigs.load(config, runtimeDir);
      return new ServeSpec(s.address(), s.port(), s.logFile(), s.runtimeDir(), s.modules(), keep != null ? keep : s.versions(),
          snap != null ? snap : s.snapshots());
    }
    if (module == null) {
      throw new LivesyncException("give --module NAME --path DIR --user USER --password-file FILE (or --config FILE with a [serve] section)", 2);
    }
    ServeModule m = new ServeModule(module, path, user, passwordFile, null, false, hostsAllow, maxConnections, uid, gid);
    return new ServeSpec(address, port, logFile, ServeConfigs.runtimeDir(runtimeDir, port), List.of(m), keep, snap);
  }
}
