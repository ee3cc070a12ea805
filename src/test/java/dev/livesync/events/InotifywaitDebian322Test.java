package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where Debian's inotifywait (3.22) and inotify-tools 4.25.9, which {@code livesync events}
 * follows, part ways on odd values (docs/events.md): both run side by side on the same operations;
 * 3.22's behaviour is checked as seen, and ours asserted as 4.25.9's.
 */
class InotifywaitDebian322Test {
  @RegisterExtension final Workspace work = new Workspace("inotifywait-322");
  final Path tmp = work.dir();
  final Path dir = work.mkdirs("w");
  final Path logs = work.mkdirs("logs");

  /**
   * {@code --timefmt ''}: 3.22's strftime yields nothing, which it takes for an error, and the whole
   * event line is left out (it still exits 0 on the event); 4.25.9 takes an empty time format as
   * none and prints {@code %T} empty.
   */
  @Test
  void anEmptyTimefmtPrintsAnEmptyTimeAs425DoesWhere322PrintsNoLine() throws Exception {
    try (Differential d = Differential.inotifywait(tmp, logs, List.of("-e", "create", "--timefmt", "", "--format", "A%TB%f", "w"))) {
      d.awaitStderr("Watches established.");
      Files.writeString(dir.resolve("t"), "");
      assertThat(d.ref.awaitExit(Differential.DEADLINE)).isZero();
      assertThat(d.ours.awaitExit(Differential.DEADLINE)).isZero();
      assertThat(d.ref.stdoutText()).as("Debian's 3.22").isEmpty();
      assertThat(d.ours.stdoutText()).isEqualTo("ABt\n");
      assertThat(d.ours.stderr()).isEqualTo(d.ref.stderr());
    }
  }

  /**
   * {@code -t 4294967297}: 3.22 reads a long and waits an int, 1 s here (2^32 + 1), and exits 2;
   * 4.25.9 waits the seconds given (some 136 years), so an event after 3.22's timeout still ends it.
   */
  @Test
  void aTimeoutBeyond32BitsIsNotCutToItsLowBitsAs322Does() throws Exception {
    try (Differential d = Differential.inotifywait(tmp, logs, List.of("-t", "4294967297", "-e", "create", "w"))) {
      d.awaitStderr("Watches established.");
      assertThat(d.ref.awaitExit(Differential.DEADLINE)).as("Debian's 3.22: a timeout of 1 s").isEqualTo(2);
      assertThat(d.ours.alive()).isTrue();
      Files.writeString(dir.resolve("f"), "");
      assertThat(d.ours.awaitExit(Differential.DEADLINE)).isZero();
      assertThat(d.ours.stdoutText()).isEqualTo("w/ CREATE f\n");
      assertThat(d.ours.stderr()).isEqualTo(d.ref.stderr());
    }
  }
}
