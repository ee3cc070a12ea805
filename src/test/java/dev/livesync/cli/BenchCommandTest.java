package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bench's fan-out flags: a value or a combination that cannot run is refused in one line, exit 2, before anything starts. */
class BenchCommandTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      --targets 0                                   | --targets 0: expected a whole number from 1 to 32
      --sources 33                                  | --sources 33: expected a whole number from 1 to 32
      --targets 2 --sources 2                       | --targets and --sources do not go together: one source to many targets, or many sources to one daemon
      --targets 3 --compare lsyncd                  | --compare is not for --targets, --sources or --stop-target: they run livesync alone
      --sources 3 --stage                           | --stage is not for --targets, --sources or --stop-target: they run livesync alone
      --stop-target 10,20                           | --stop-target needs --targets 2 or more: the others go on while it is stopped
      --targets 3 --stop-target 20,10               | --stop-target 20,10: expected AT,BACK: seconds into the load, 0 <= AT < BACK, such as 20,40
      --targets 3 --stop-target 20                  | --stop-target 20: expected AT,BACK: seconds into the load, 0 <= AT < BACK, such as 20,40
      --targets 3 --stop-target 5,soon              | --stop-target 5,soon: expected AT,BACK: seconds into the load, 0 <= AT < BACK, such as 20,40
      --targets 3 --stop-target 1,2,3               | --stop-target 1,2,3: expected AT,BACK: seconds into the load, 0 <= AT < BACK, such as 20,40
      """)
  void aFanOutThatCannotRunIsRefusedInOneLine(String args, String words) {
    var r = CliRun.inProcess(("bench " + args.strip()).split(" +"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly("livesync bench: " + words, "See 'livesync bench --help'.");
  }

  @ParameterizedTest
  @CsvSource({"--targets=N", "--sources=N", "[--stop-target=AT,BACK]"})
  void helpListsTheFanOutFlags(String flag) {
    var r = CliRun.inProcess("bench", "--help");
    assertThat(r.out()).contains(flag);
  }
}
