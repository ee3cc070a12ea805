package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ManPagesTest {
  /** livesync(1) lists each command with the first sentence of its help, then where its own page is. */
  @Test
  void eachCommandsSummaryIsASentenceBeforeItsPageIsNamed() {
    List<ManPages.Page> pages = new ManPages("0.0.0", "2026-01-01").all(Main.commandLine());
    String main = pages.stream().filter(p -> p.name().equals("livesync")).findFirst().orElseThrow().troff();
    String commands = main.substring(main.indexOf(".SH COMMANDS"), main.indexOf(".SH FILES"));
    List<String> refs = commands.lines().filter(l -> l.contains("See \\fBlivesync\\-")).toList();
    assertThat(refs).hasSize(pages.size() - 1);
    assertThat(refs).allSatisfy(l -> assertThat(l).matches(".*[^ .]\\. See \\\\fBlivesync\\\\-[a-z\\\\-]+\\\\fR\\(1\\)\\."));
    assertThat(commands).contains("Drop\\-in inotifywait: same options, output and exit codes. See \\fBlivesync\\-events\\fR(1).");
  }
}
