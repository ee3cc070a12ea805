package dev.livesync.ops.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What install-service tells to do with the unit it wrote: on a host that systemd does not run, that the steps will not work here. */
class SystemdUnitEnableTest {
  private static final Path UNIT = Path.of("/etc/systemd/system/livesync.service");

  @Test
  void withSystemdTheStepsAreAll() {
    assertThat(SystemdUnit.howToEnable(UNIT, "run", true)).contains("systemctl enable --now livesync.service").doesNotContain("does not run");
  }

  @Test
  void withoutSystemdItSaysSoAndWhatWorksHere() {
    assertThat(SystemdUnit.howToEnable(UNIT, "run", false)).contains("systemctl enable --now livesync.service")
        .endsWith("systemd does not run this host (no /run/systemd/system): the unit works where it does; here, 'livesync start' runs the"
            + " replicator in the background instead.\n");
    assertThat(SystemdUnit.howToEnable(Path.of("/etc/systemd/system/livesync-serve.service"), "serve", false))
        .endsWith("here, run 'livesync serve' under the supervisor this host has.\n");
  }
}
