package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The running sync's look at its ssh sessions, with a real child process standing in for the ssh
 * session (it prints what the remote login shell would, from a file the test rewrites, and counts
 * its runs): the warning comes, goes when the shell is fixed, and no look runs after close.
 */
class SessionCostLogTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  final Path dir = TempFiles.dir("session-cost-log");
  final Path answer = dir.resolve("answer");
  final Path count = dir.resolve("count");
  SessionCostLog looks;

  @AfterEach
  void cleanUp() {
    if (looks != null) looks.close();
    TempFiles.deleteTree(dir);
  }

  /** What the remote shell prints when it started {@code startupTicks} hundredths of a second before the command. */
  private void shellStartsIn(int startupTicks) throws Exception {
    Files.writeString(dir.resolve("answer.new"), "100.00 1.00\n9 (bash) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
        + (10_000 - startupTicks) + " 0\n100\n");
    Files.move(dir.resolve("answer.new"), answer, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private SessionCostLog start(String script, Duration again) {
    looks = new SessionCostLog("root@backup:/srv", () -> List.of("sh", "-c", "echo x >> '" + count + "'; " + script), Duration.ofMillis(10), again);
    looks.look();
    return looks;
  }

  private long runs() throws Exception {
    return Files.exists(count) ? Files.readAllLines(count).size() : 0;
  }

  @Test
  void aSlowShellWarnsUntilItIsFixedThenTheLooksStop() throws Exception {
    shellStartsIn(78);
    SessionCostLog l = start("cat '" + answer + "'", Duration.ofMillis(50));
    String w = Await.value("the warning", WAIT, l::warning, s -> !s.isEmpty());
    assertThat(w).isEqualTo("every rsync run waits 0.78 s for the remote login shell's startup files (see 'livesync doctor')");

    shellStartsIn(1);
    Await.value("the warning gone", WAIT, l::warning, String::isEmpty);
    long after = runs();
    Thread.sleep(300); // six times the interval: a look that found the shell quick is the last
    assertThat(runs()).isEqualTo(after);
  }

  @Test
  void aQuickShellIsLookedAtOnce() throws Exception {
    shellStartsIn(2);
    SessionCostLog l = start("cat '" + answer + "'", Duration.ofMillis(50));
    Await.value("one look", WAIT, this::runs, n -> n >= 1);
    Thread.sleep(300);
    assertThat(runs()).isEqualTo(1);
    assertThat(l.warning()).isEmpty();
  }

  @Test
  void unansweredLooksStopAfterTheirTries() throws Exception {
    start("exit 255", Duration.ofMillis(50));
    Await.value("every try", WAIT, this::runs, n -> n >= SessionCostLog.TRIES);
    Thread.sleep(300);
    assertThat(runs()).isEqualTo(SessionCostLog.TRIES);
  }

  @Test
  void noLookRunsAfterClose() throws Exception {
    shellStartsIn(78);
    SessionCostLog l = start("cat '" + answer + "'", Duration.ofMillis(20));
    Await.value("the warning", WAIT, l::warning, s -> !s.isEmpty());
    l.close();
    long closed = runs();
    Thread.sleep(300);
    assertThat(runs()).isEqualTo(closed);
    l.look();
    Thread.sleep(100);
    assertThat(runs()).isEqualTo(closed);
  }
}
