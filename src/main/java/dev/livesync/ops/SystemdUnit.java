package dev.livesync.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/** The systemd unit {@code install-service} writes, for {@code run} (source host) or {@code serve} (backup host). */
public final class SystemdUnit {
  public static final Path DEFAULT_CONFIG = Path.of("/etc/livesync/livesync.toml");

  private SystemdUnit() {}

  /** How to start this livesync from a unit: the launcher script when there is one, else java -jar. */
  public static String launcher() {
    String home = System.getProperty("livesync.home");
    if (home != null && Files.isExecutable(Path.of(home, "livesync"))) return Path.of(home, "livesync").toString();
    String jar = System.getProperty("java.class.path");
    return Path.of(System.getProperty("java.home"), "bin", "java") + " --enable-native-access=ALL-UNNAMED -jar " + jar;
  }

  /** The unit text; {@code command} is {@code run} or {@code serve}. */
  public static String render(String launcher, String command, Path config) {
    boolean serve = command.equals("serve");
    return String.join("\n",
        "# Written by 'livesync install-service'.",
        "[Unit]",
        serve ? "Description=livesync backup host (supervised rsync daemon)" : "Description=livesync real-time replication",
        "Documentation=file:" + (System.getProperty("livesync.home", "/opt/livesync")) + "/docs/operations.md",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        "ExecStart=" + launcher + " " + command + " --config " + config,
        "ExecReload=/bin/kill -HUP $MAINPID",
        "Restart=on-failure",
        "RestartSec=5",
        // stop sends SIGTERM; give the drain its 30 s plus margin before systemd kills
        "KillMode=mixed",
        "TimeoutStopSec=45",
        // /run/livesync (status socket) and /var/lib/livesync (journal, last verify), as livesync expects
        "RuntimeDirectory=livesync",
        "RuntimeDirectoryPreserve=no",
        "StateDirectory=livesync",
        "LimitNOFILE=65536",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "");
  }

  public static String howToEnable(Path unitFile, String command) {
    String name = unitFile.getFileName().toString();
    return String.join("\n",
        "Wrote " + unitFile + ".",
        "Enable and start it:",
        "  systemctl daemon-reload",
        "  systemctl enable --now " + name,
        "Then: systemctl status " + name + (command.equals("run") ? "; livesync status" : "") + "; journalctl -u " + name + " -f",
        "");
  }
}
