package dev.livesync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallServiceTest {
  @TempDir Path tmp;

  @Test
  void writesAUnitThatRestartsOnFailureAfterTheNetworkAndSaysHowToEnableIt() throws Exception {
    Path unit = tmp.resolve("livesync.service");
    var r = ServiceRoundTripTest.cli("install-service", "--output", unit.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String text = Files.readString(unit);
    assertThat(text)
        .contains("[Unit]\n", "After=network-online.target remote-fs.target local-fs.target\n", "Wants=network-online.target\n")
        .contains("Restart=on-failure\n", "ExecReload=/bin/kill -HUP $MAINPID\n", "TimeoutStopSec=45\n")
        .contains("RuntimeDirectory=livesync\n", "StateDirectory=livesync\n", "WantedBy=multi-user.target\n")
        .contains("Type=notify\n", "NotifyAccess=main\n", "WatchdogSec=3min\n", "RestartPreventExitStatus=2 78\n")
        .containsPattern("(?m)^ExecStart=\\S*livesync run --config /etc/livesync/livesync.toml$");
    assertThat(r.out()).contains("Wrote " + unit, "systemctl daemon-reload", "systemctl enable --now livesync.service");
  }

  @Test
  void serveUnitForTheBackupHost() throws Exception {
    Path unit = tmp.resolve("x/livesync-serve.service");
    var r = ServiceRoundTripTest.cli("install-service", "--serve", "--config", "/etc/livesync/backup.toml", "--output", unit.toString());
    assertThat(r.code()).isZero();
    assertThat(Files.readString(unit)).containsPattern("(?m)^ExecStart=\\S*livesync serve --config /etc/livesync/backup.toml$")
        .contains("Type=simple\n").doesNotContain("WatchdogSec");
    assertThat(r.out()).contains("systemctl enable --now livesync-serve.service");
  }
}
