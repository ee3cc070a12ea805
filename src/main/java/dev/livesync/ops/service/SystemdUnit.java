package dev.livesync.ops.service;

import java.nio.file.Files;
import java.nio.file.Path;

/** The systemd unit {@code install-service} writes, for {@code run} (source host) or {@code serve} (backup host). */
public final class SystemdUnit {
  private SystemdUnit() {}

  /**
   * How to start this livesync from a unit: the installed launcher ({@code /usr/bin/livesync}, which
   * names itself in {@code livesync.launcher}), else the checkout's launcher script, else java -jar.
   */
  public static String launcher() {
    String installed = System.getProperty("livesync.launcher");
    if (installed != null && Files.isExecutable(Path.of(installed))) return word(installed);
    String home = System.getProperty("livesync.home");
    if (home != null && Files.isExecutable(Path.of(home, "livesync"))) return word(Path.of(home, "livesync").toString());
    String jar = System.getProperty("java.class.path");
    return word(Path.of(System.getProperty("java.home"), "bin", "java").toString()) + " --enable-native-access=ALL-UNNAMED -jar " + word(jar);
  }

  /**
   * One word of a command line as systemd reads it: quoted when it holds a space or a character systemd
   * treats specially ({@code "}, {@code \}, {@code '}, {@code ;}), with {@code %} and {@code $} doubled so
   * that no specifier or variable is expanded in a path. Only the {@code %i} of a template unit's config
   * path stays a specifier.
   */
  static String word(String text) {
    String escaped = text.replace("%", "%%").replace("%%i", "%i").replace("$", "$$");
    if (escaped.matches("[A-Za-z0-9_./@%:+=,$-]+")) return escaped;
    return '"' + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Where the unit points for documentation: the checkout's docs, else the installed man page. */
  public static String documentation(String command) {
    String home = System.getProperty("livesync.home");
    if (home != null && Files.isRegularFile(Path.of(home, "docs", "operations.md"))) return Path.of(home, "docs", "operations.md").toUri().toString(); // spaces %-encoded: Documentation= splits at spaces
    return "man:livesync-" + command + "(1)";
  }

  /** The unit text {@code install-service} writes, with this installation's launcher and documentation. */
  public static String render(String launcher, String command, Path config) {
    return render(launcher, command, config, documentation(command));
  }

  /** {@code stop_timeout}'s default, which the package's units are sized for. */
  public static final java.time.Duration DEFAULT_STOP_TIMEOUT =
      dev.livesync.settings.Key.STOP_TIMEOUT.duration(dev.livesync.settings.Key.STOP_TIMEOUT.defaultText());
  /** What systemd allows beyond the drain's bound before it kills: what {@code livesync stop} allows too. */
  static final long STOP_MARGIN_SECONDS = 15;

  /** The units of the package: sized for the default stop_timeout. */
  public static String render(String launcher, String command, Path config, String documentation) {
    return render(launcher, command, config, documentation, DEFAULT_STOP_TIMEOUT);
  }

  /**
   * The one template of livesync's units, for {@code install-service} and the package alike;
   * {@code command} is {@code run} or {@code serve}. A config path holding {@code %i} makes a template
   * unit ({@code livesync@NAME.service} runs {@code /etc/livesync/NAME.toml}) whose instances each have
   * their own runtime directory (status socket). {@code stopTimeout}: the config's {@code stop_timeout},
   * which {@code TimeoutStopSec=} exceeds by {@link #STOP_MARGIN_SECONDS}.
   */
  public static String render(String launcher, String command, Path config, String documentation, java.time.Duration stopTimeout) {
    boolean serve = command.equals("serve");
    long stopSec = (stopTimeout.toMillis() + 999) / 1000 + STOP_MARGIN_SECONDS;
    boolean instance = config.toString().contains("%i");
    return joinLines(
        "# livesync's unit: the livesync package installs it and 'livesync install-service' writes the same text.",
        "[Unit]",
        (serve ? "Description=livesync backup host (supervised rsync daemon)" : "Description=livesync real-time replication")
            + (instance ? " (%i)" : ""),
        "Documentation=" + documentation,
        "Wants=network-online.target",
        // an NFS share or a disk of /etc/fstab mounted before livesync looks at its source and targets
        "After=network-online.target remote-fs.target local-fs.target",
        "",
        "[Service]",
        // run tells systemd when its watches are set (READY=1), how it is doing (STATUS=), and pings the
        // watchdog while its engine loops turn; an overflow rescan of a huge tree runs on the loop, hence minutes
        serve ? "Type=simple" : "Type=notify",
        serve ? null : "NotifyAccess=main",
        serve ? null : "WatchdogSec=3min",
        "ExecStart=" + launcher + " " + command + " --config " + word(config.toString()),
        "ExecReload=/bin/kill -HUP $MAINPID",
        "Restart=on-failure",
        "RestartSec=5",
        // bad arguments or config, a target refusing the password, rsync missing: restarting cannot help
        restartPrevent(),
        // stop sends SIGTERM; give the drain its stop_timeout (30 s by default) plus margin before systemd kills
        "KillMode=mixed",
        "TimeoutStopSec=" + stopSec,
        // /run/livesync (status socket) and /var/lib/livesync (journal, last verify), as livesync expects.
        // livesync.service and livesync-serve.service share /run/livesync, and the instances live under it:
        // systemd does not count owners, so neither removes it when it stops (each removes its own files);
        // an instance's /run/livesync/NAME is its own and goes with it
        instance ? "Environment=LIVESYNC_RUNTIME_DIR=/run/livesync/%i" : null,
        instance ? "RuntimeDirectory=livesync/%i" : "RuntimeDirectory=livesync",
        instance ? "RuntimeDirectoryPreserve=no" : "RuntimeDirectoryPreserve=yes",
        "StateDirectory=livesync",
        "LimitNOFILE=65536",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "");
  }

  /** The unit's {@code RestartPreventExitStatus=} line: the exit codes only an operator can help ({@link dev.livesync.Exit#OPERATOR_MUST_ACT}). */
  public static String restartPrevent() {
    return "RestartPreventExitStatus=" + dev.livesync.Exit.OPERATOR_MUST_ACT.stream().map(String::valueOf)
        .collect(java.util.stream.Collectors.joining(" "));
  }

  private static String joinLines(String... lines) {
    return java.util.Arrays.stream(lines).filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining("\n"));
  }

  /** Where systemd looks for unit files an administrator installs. */
  static final java.util.List<Path> UNIT_DIRS = java.util.List.of(Path.of("/etc/systemd/system"), Path.of("/run/systemd/system"),
      Path.of("/usr/lib/systemd/system"), Path.of("/lib/systemd/system"));

  /**
   * The unit's name when none is given: {@code livesync.service}, {@code livesync-serve.service}, or the
   * template {@code livesync@.service} for a config path holding {@code %i}.
   */
  public static String defaultName(String command, Path config) {
    if (config.toString().contains("%i")) return command.equals("serve") ? "livesync-serve@.service" : "livesync@.service";
    return command.equals("serve") ? "livesync-serve.service" : "livesync.service";
  }

  /**
   * The name systemd is to know the unit written to {@code unitFile} by: its own when systemd would take
   * it ({@code NAME.service}, {@code NAME@.service} for a template), else {@link #defaultName}.
   */
  public static String installName(Path unitFile, String command, Path config) {
    String name = unitFile.getFileName().toString();
    boolean template = config.toString().contains("%i");
    boolean usable = name.endsWith(".service") && name.length() > ".service".length() && template == name.endsWith("@.service");
    return usable ? name : defaultName(command, config);
  }

  /** What to do with the unit written, on this host (systemd is running when /run/systemd/system is there, as sd_booted(3) tells). */
  public static String howToEnable(Path unitFile, String command) {
    return howToEnable(unitFile, unitFile.getFileName().toString(), command);
  }

  /** {@link #howToEnable(Path, String)}, the unit to be installed as {@code name} ({@link #installName}). */
  public static String howToEnable(Path unitFile, String name, String command) {
    return howToEnable(unitFile, name, command, java.nio.file.Files.isDirectory(Path.of("/run/systemd/system")));
  }

  /** {@link #howToEnable(Path, String)}; {@code systemd}: whether systemd runs this host. */
  static String howToEnable(Path unitFile, String command, boolean systemd) {
    return howToEnable(unitFile, unitFile.getFileName().toString(), command, systemd);
  }

  static String howToEnable(Path unitFile, String name, String command, boolean systemd) {
    return enableSteps(unitFile, name, command) + (systemd ? "" : "systemd does not run this host (no /run/systemd/system): the unit works where it"
        + " does; here, " + (command.equals("run") ? "'livesync start' runs the replicator in the background instead" : "run 'livesync serve'"
        + " under the supervisor this host has") + ".\n");
  }

  private static String enableSteps(Path unitFile, String name, String command) {
    // a template is enabled as one of its instances: livesync@www.service runs /etc/livesync/www.toml
    String enable = name.endsWith("@.service") ? name.replace("@.service", "@NAME.service") : name;
    Path dir = unitFile.toAbsolutePath().normalize().getParent();
    boolean named = name.equals(unitFile.getFileName().toString());
    if (!UNIT_DIRS.contains(dir) || !named) {
      // systemctl enable does not find a unit elsewhere by its name, nor one whose name is not NAME.service
      return String.join("\n",
          "Wrote " + unitFile + (named ? " (systemd does not read " + dir + ")." : " (systemd reads units only as NAME.service"
              + (name.endsWith("@.service") ? ", a template as NAME@.service" : "") + ")."),
          "Review it, then install, enable and start it:",
          "  cp " + unitFile + " /etc/systemd/system/" + name,
          "  systemctl daemon-reload",
          "  systemctl enable --now " + enable,
          "");
    }
    return String.join("\n",
        "Wrote " + unitFile + ".",
        "Enable and start it:",
        "  systemctl daemon-reload",
        "  systemctl enable --now " + enable,
        "Then: systemctl status " + enable + (!command.equals("run") ? "" : enable.equals(name) ? "; livesync status" : "; livesync status --status-socket /run/livesync/NAME/livesync.sock") + "; journalctl -u " + enable + " -f",
        "");
  }
}
