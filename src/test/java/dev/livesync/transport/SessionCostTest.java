package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading what the remote login shell printed about itself ({@link SessionCost#COMMAND}). */
class SessionCostTest {
  static final Duration TOTAL = Duration.ofMillis(780);

  @Test
  void theShellsStartupIsUptimeLessItsStartTimeInTicks() {
    String out = """
        20712.38 23792.85
        21897 (bash) S 21890 21897 21897 0 -1 4194560 312 84 0 0 1 0 0 0 20 0 1 0 2071206 4034560 706 18446744073709551615 0
        100
        """;
    SessionCost c = SessionCost.parse(TOTAL, out);
    assertThat(c.total()).isEqualTo(TOTAL);
    assertThat(c.shellStartup()).isEqualTo(Duration.ofMillis(320));
    assertThat(c.printed()).isEmpty();
  }

  @Test
  void whatAStartupFilePrintedBeforeIsPassedOverAndACommandNameWithSpacesAndParenthesesIsRead() {
    String out = """
        Welcome (pyenv) 3.12
        1000.00 10.00
        77 (my ) prog) R 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999950 0 0 0
        1000
        """;
    SessionCost c = SessionCost.parse(TOTAL, out);
    assertThat(c.shellStartup()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.printed()).isEqualTo("Welcome (pyenv) 3.12");
  }

  @Test
  void aShellStartedAfterTheUptimeWasReadCountsAsNone() {
    String out = "5.00 1.00\n9 (sh) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 501 0 0\n100\n";
    assertThat(SessionCost.parse(TOTAL, out).shellStartup()).isEqualTo(Duration.ZERO);
  }

  @Test
  void aHostWithoutProcOrGetconfCannotTell() {
    assertThat(SessionCost.parse(TOTAL, "").shellStartup()).isNull();
    assertThat(SessionCost.parse(TOTAL, "cat: /proc/uptime: No such file or directory\n").shellStartup()).isNull();
    assertThat(SessionCost.parse(TOTAL, "1.0 2.0\n9 (sh) S 1 9\n100\n").shellStartup()).isNull();
    assertThat(SessionCost.parse(TOTAL, "1.0 2.0\n9 (sh) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 50 0\nundefined\n").shellStartup()).isNull();
    assertThat(SessionCost.parse(TOTAL, "one two\n9 (sh) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 50 0\n100\n").shellStartup()).isNull();
    assertThat(SessionCost.parse(TOTAL, "").total()).isEqualTo(TOTAL);
    assertThat(SessionCost.parse(TOTAL, "").printed()).isEmpty();
  }

  @Test
  void withoutItsOwnThreeLinesEveryLineIsWhatTheLoginPrinted() {
    assertThat(SessionCost.parse(TOTAL, "Welcome\n\nLast login: never\nhave fun\n").printed()).isEqualTo("Welcome | Last login: never | have fun");
    assertThat(SessionCost.parse(TOTAL, "Welcome\n").printed()).isEqualTo("Welcome");
  }
}
