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
      "The config is checked first as 'livesync run --check' does: what the service could not start with",
      "(bad config, missing source, rsync missing) is said in run's words and no unit is written (run's exit code).",
      "--serve writes livesync-serve.service for the",
      "backup host instead. Prints how to enable it."
    })
final class InstallServiceCommand extends Subcommand {

  @Option(names = "--output", paramLabel = "PATH", description = "Where to write the unit: a file, or a directory to write livesync[-serve][@].service in (default: /etc/systemd/system/livesync[-serve].service; livesync@.service for a --config holding %%i).")
  Path output;

  @Option(names = "--config", paramLabel = "FILE", description = "Config the service reads (default: ${DEFAULT-VALUE}).")
  Path config = Config.DEFAULT_PATH;

  @Option(names = "--serve", description = "A unit for 'livesync serve' (the backup host) instead of 'run'.")
  boolean serve;

  @Option(names = "--force", description = "Write the unit even when 'livesync run --check' refuses its config (the service would stop at once, not to be restarted until it is fixed).")
  boolean force;

  @Override
  public Integer call() {
    String command = serve ? "serve" : "run";
    // systemd starts the unit in /: a relative path would name a file there
    Path config = this.config.toAbsolutePath().normalize();
    String name = SystemdUnit.defaultName(command, config);
    // a directory, as cp takes one: the unit goes in it under its usual name
    Path unit = output == null ? Path.of("/etc/systemd/system", name) : Files.isDirectory(output) ? output.resolve(name) : output;
    // the drain's bound is the config's stop_timeout: systemd must not kill it sooner
    Duration stop = SystemdUnit.DEFAULT_STOP_TIMEOUT;
    if (!serve && Files.exists(config)) {
      int checked = check(config);
      if (checked != 0) return checked;
      try {
        Config loaded = ConfigLoader.load(config);
        stop = loaded.stopTimeout();
        noPassword(loaded);
      } catch (dev.livesync.config.ConfigException e) {
        // said by the check, whose refusal --force overrode
        err().println("livesync install-service: warning: TimeoutStopSec= follows the default stop_timeout until this is run again with"
            + " the config fixed");
      }
    }
    try {
      if (unit.getParent() != null) Files.createDirectories(unit.getParent());
      Files.writeString(unit, SystemdUnit.render(SystemdUnit.launcher(), command, config, SystemdUnit.documentation(command), stop));
    } catch (IOException e) {
      throw new LivesyncException("cannot write " + unit + ": " + e.getMessage() + (output == null ? " (run as root, or pass --output)" : ""),
          dev.livesync.Exit.CANNOT_WRITE, e);
    }
    out().print(SystemdUnit.howToEnable(unit, SystemdUnit.installName(unit, command, config), command));
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
   * The config as the service's {@code run} will take it ({@code run --check}, its words under this
   * command's name): 0 to write the unit; what only an operator can fix, on which the unit would
   * stop for good ({@link dev.livesync.Exit#OPERATOR_MUST_ACT}), refuses it unless {@code --force};
   * anything else (the state dir not writable yet, the sync running already) is a warning.
   */
  private int check(Path config) {
    int exit = RunCheck.check("install-service", java.util.List.of("--config", config.toString()), err()).exit();
    if (exit == 0) return 0;
    String again = "'livesync run --config " + config + " --check'";
    if (dev.livesync.Exit.OPERATOR_MUST_ACT.contains(exit) && !force) {
      err().println("livesync install-service: no unit written: the service would exit " + exit + " at once and not be restarted"
          + " (RestartPreventExitStatus=); fix the config (" + again + " says when it is right), or pass --force to write the unit anyway");
      err().flush();
      return exit;
    }
    err().println("livesync install-service: warning: the unit is written, but its run would exit " + exit + " now (" + again + ")");
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
