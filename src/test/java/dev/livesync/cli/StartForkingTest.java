package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The replicator start leaves running starts rsync by fork (an upgrade replaces jspawnhelper under it); a user's -D decides. */
class StartForkingTest {
  @Test
  void theStartedJvmForksUnlessTheUserSaidOtherwise() {
    assertThat(StartCommand.forking(List.of("/rt/bin/java", "-Xss512k", "-cp", "x.jar", "Main", "run")))
        .containsExactly("/rt/bin/java", "-Djdk.lang.Process.launchMechanism=FORK", "-Xss512k", "-cp", "x.jar", "Main", "run");
    List<String> users = List.of("/rt/bin/java", "-Djdk.lang.Process.launchMechanism=POSIX_SPAWN", "-cp", "x.jar", "Main", "run");
    assertThat(StartCommand.forking(users)).isEqualTo(users);
  }
}
