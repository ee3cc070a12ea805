package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {
  /**
   * A log line written while a full sync's progress showed ran on from it on the terminal
   * ("... parts 21/2112:48:07.450 INFO  TargetRunner: ..."): it is now written on a line of its own,
   * and the progress shows again below it.
   */
  @Test
  void aLogLineWhileProgressShowsGetsALineOfItsOwnAndTheProgressComesBack() {
    var out = new ByteArrayOutputStream();
    var progress = new TerminalProgress(new PrintStream(out, true, StandardCharsets.UTF_8));
    PrintStream log = progress.clearingStream();
    progress.fullSyncProgress("/backup", "13,046,730 19% 0.54MB/s 0:00:23 (xfr#60000, to-chk=280820/351020) parts 4/21");
    log.write("12:48:07.450 INFO  TargetRunner: done\n".getBytes(StandardCharsets.UTF_8), 0, 38);
    log.flush();
    String line = "/backup: full sync 13,046,730 19% 0.54MB/s 0:00:23 (xfr#60000, to-chk=280820/351020) parts 4/21";
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("\r\033[K" + line + "\r\033[K12:48:07.450 INFO  TargetRunner: done\n" + line);
  }

  @Test
  void withNoProgressShowingTheLogGoesAsItIs() {
    var out = new ByteArrayOutputStream();
    var progress = new TerminalProgress(new PrintStream(out, true, StandardCharsets.UTF_8));
    progress.clearingStream().print("a line\n");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a line\n");
  }
}
