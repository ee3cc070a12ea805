package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * inotifywait checks a --format by printing a made-up event with it (no watch, no name) and refuses
 * the format when that prints nothing: with --no-newline, a format of only %w and %f. Debian's
 * inotifywait and the drop-in run with the same format; output, messages and exit codes compared.
 */
class FormatCheckDifferentialTest {
  @RegisterExtension final Workspace work = new Workspace("format-check");
  final Path tmp = work.dir();
  final Path logs = work.mkdirs("logs");

  @ParameterizedTest
  @ValueSource(strings = {"%w%f", "%f", "%w", "%f%w%f"})
  void aFormatPrintingNothingForTheCheckIsRefused(String format) throws Exception {
    Outcome o = run(List.of("-m", "--format", format, "--no-newline", "w"));
    assertThat(o.refErr).isEqualTo("Something is wrong with your format string.\n");
    o.assertSame();
  }

  @ParameterizedTest
  @ValueSource(strings = {"%w%f%0", "%w%f%", "%w/%f", "%e", "%q"})
  void aFormatPrintingSomethingIsTaken(String format) throws Exception {
    Outcome o = run(List.of("-t", "1", "--format", format, "--no-newline", "w"));
    assertThat(o.refCode).isEqualTo(InotifyWait.EXIT_TIMEOUT);
    o.assertSame();
  }

  private record Outcome(int refCode, int ourCode, String refOut, String ourOut, String refErr, String ourErr) {
    void assertSame() {
      assertThat(ourErr).isEqualTo(refErr);
      assertThat(ourOut).isEqualTo(refOut);
      assertThat(ourCode).isEqualTo(refCode);
    }
  }

  private Outcome run(List<String> args) throws Exception {
    work.mkdirs("w");
    try (Differential d = Differential.inotifywait(tmp, logs, new ArrayList<>(args))) {
      int refCode = d.ref.awaitExit(Differential.DEADLINE);
      int ourCode = d.ours.awaitExit(Differential.DEADLINE);
      return new Outcome(refCode, ourCode, d.ref.stdoutText(), d.ours.stdoutText(), d.ref.stderr(), d.ours.stderr());
    }
  }
}
