package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor on an exclude that run refuses (OneValidationTest has run's side): a FAIL line in run's words. */
class DoctorExcludeTest {
  @TempDir Path tmp;

  /** What {@code livesync doctor SRC DST --state-dir … EXTRA…} printed on stdout, after its exit code. */
  private String doctor(String src, String... extra) throws Exception {
    Files.createDirectories(tmp.resolve("dst"));
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    List<String> args = new ArrayList<>(List.of("doctor", src, tmp.resolve("dst").toString(), "--state-dir", tmp.resolve("state").toString()));
    args.addAll(List.of(extra));
    int code = cl.execute(args.toArray(String[]::new));
    return code + "\n" + out;
  }

  /** An exclude written as the absolute path of a directory in the source, as find or inotifywait take it. */
  @Test
  void doctorFailsAnExcludeWrittenAsTheSourcesOwnPath() throws Exception {
    String src = Files.createDirectories(tmp.resolve("src")).toString();
    String said = doctor(src, "--exclude", src + "/cache/");
    assertThat(said).startsWith("1\n").contains("FAIL  exclude " + src + "/cache/: begins with the source's own path " + src);
  }

  /** Patterns that together exclude every path (the dotfiles, and every name not starting with a dot): nothing would be replicated. */
  @Test
  void doctorFailsExcludesThatLeaveNothingToReplicate() throws Exception {
    String src = Files.createDirectories(tmp.resolve("src")).toString();
    String said = doctor(src, "--exclude", ".*", "--exclude", "[!.]*");
    assertThat(said).startsWith("1\n").contains("FAIL  exclude [!.]*: with the patterns before it, excludes every path of the source, so nothing"
        + " would be replicated");
  }
}
