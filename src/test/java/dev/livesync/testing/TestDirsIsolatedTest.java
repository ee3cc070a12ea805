package dev.livesync.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The livesync processes the tests start (the ./livesync launcher, java -jar, through any shell)
 * inherit the suite's environment: it names their target locks, runtime and state dirs under the
 * build's target/ (pom.xml), so that none of them writes the host's /run/livesync or /var/lib/livesync.
 * Launcher tests left their targets' lock files in /run/livesync/targets when only this JVM's
 * system property named the lock dir.
 */
class TestDirsIsolatedTest {
  @Test
  void theChildProcessesDirsAreTheBuildsNotTheHosts() {
    Path build = Path.of(System.getProperty("livesync.home", ".")).toAbsolutePath().normalize().resolve("target");
    for (String name : new String[] {"LIVESYNC_LOCK_DIR", "LIVESYNC_RUNTIME_DIR", "LIVESYNC_STATE_DIR"}) {
      String value = System.getenv(name);
      assertThat(value).as(name).isNotBlank();
      assertThat(Path.of(value).toAbsolutePath().normalize().startsWith(build)).as(name + "=" + value + " in " + build).isTrue();
    }
    // the same lock dir as this JVM's own syncs: one test's child and the test itself see each other's locks
    assertThat(System.getenv("LIVESYNC_LOCK_DIR")).isEqualTo(System.getProperty("livesync.lock.dir"));
  }
}
