package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigLoader;
import dev.livesync.ops.service.SystemdUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "install-service",
    mixinStandardHelpOptions = true,
    description = {
      "Write a systemd unit for livesync.",
      "Default: /etc/systemd/system/livesync.service running 'livesync run --config " + Config.DEFAULT_FILE + "'",
      "(restart on failure, after network-online.target; TimeoutStopSec= is the config's stop_timeout plus 15 s).",
      "--serve writes livesync-serve.service for the",
      "backup host instead. Prints how to enable it."
    })
final class InstallServiceCommand extends Subcommand {

  @Option(names = "--output", paramLabel = "PATH", description = "Where to write the unit (default: /etc/systemd/system/livesync[-serve].service).")
  Path output;

  @Option(names = "--config", paramLabel = "FILE", description = "Config the service reads (default: ${DEFAULT-VALUE}).")
  Path config = Config.DEFAULT_PATH;

  @Option(names = "--serve", description = "A unit for 'livesync serve' (the backup host) instead of 'run'.")
  boolean serve;

  @Override
  public Integer call() {
    String command = serve ? "serve" : "run";
    Path unit = output != null ? output : Path.of("/etc/systemd/system", serve ? "livesync-serve.service" : "livesync.service");
    // systemd starts the unit in /: a relative path would name a file there
    Path config = this.config.toAbsolutePath().normalize();
    // the drain's bound is the config's stop_timeout: systemd must not kill it sooner. A config that does
    // not load yet (the package's example, no [[sync]]) is said, and the default taken: the unit's start says the rest.
    Duration stop = SystemdUnit.DEFAULT_STOP_TIMEOUT;
    if (!serve && Files.exists(config)) {
      try {
        Config loaded = ConfigLoader.load(config);
        stop = loaded.stopTimeout();
        noPassword(loaded);
      } catch (dev.livesync.config.ConfigException e) {
        err().println("livesync install-service: warning: " + e.getMessage() + "; TimeoutStopSec= follows the default stop_timeout"
            + " until this is run again with the config fixed ('livesync run --config " + config + " --check')");
      }
    }
    try {
      if (unit.getParent() != null) Files.createDirectories(unit.getParent());
      Files.writeString(unit, SystemdUnit.render(SystemdUnit.launcher(), command, config, SystemdUnit.documentation(command), stop));
    } catch (IOException e) {
      throw new LivesyncException("cannot write " + unit + ": " + e.getMessage() + " (run as root, or pass --output)", dev.livesync.Exit.CANNOT_WRITE, e);
    }
    out().print(SystemdUnit.howToEnable(unit, command));
    // the package's own unit of that name: the copy in /etc hides it from systemd, and from its upgrades
    Path packaged = Path.of("/lib/systemd/system").resolve(unit.getFileName());
    if (unit.toAbsolutePath().normalize().getParent().equals(Path.of("/etc/systemd/system")) && Files.isRegularFile(packaged)) {
      out().println("Note: the livesync package installs " + packaged + " already; this copy takes its place (package upgrades"
          + " of the unit no longer reach it): delete " + unit + " and run 'systemctl daemon-reload' to use the package's again.");
    }
    if (!Files.exists(config) && !config.toString().contains("%i")) { // a template's configs are the instances' own
      out().println("Note: " + config + " does not exist yet; the service needs it (see docs/config.md and docs/livesync.example.toml).");
    }
    out().flush();
    return 0;
  }

  /**
   * A daemon target with a user and no password_file logs in with RSYNC_PASSWORD, which a shell may
   * have and the unit does not: it would work by hand and fail as a service. Said once per target.
   */
  private void noPassword(Config loaded) {
    for (var s : loaded.syncs()) {
      for (var t : s.targets()) {
        if (t.target() instanceof dev.livesync.transport.Target.Daemon d && d.user() != null && t.options().passwordFile() == null) {
          err().println("livesync install-service: warning: sync " + s.name() + ": target " + t.describe() + " names user " + d.user()
              + " but no password_file: the service does not get the RSYNC_PASSWORD of your shell, so its login would fail; give the"
              + " target a password_file (mode 0600)");
        }
      }
    }
  }
}
