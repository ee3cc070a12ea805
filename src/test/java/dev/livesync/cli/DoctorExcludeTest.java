package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doctor on an exclude that run refuses (OneValidationTest has run's side): a FAIL line in run's words. */
class DoctorExcludeTest {
  @TempDir Path tmp;

  /** An exclude written as the absolute path of a directory in the source, as find or inotifywait take it. */
  @Test
  void doctorFailsAnExcludeWrittenAsTheSourcesOwnPath() throws Exception {
    String src = Files.createDirectories(tmp.resolve("src")).toString();
    Files.createDirectories(tmp.resolve("dst"));
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    int code = cl.execute("doctor", src, tmp.resolve("dst").toString(), "--exclude", src + "/cache/", "--state-dir", tmp.resolve("state").toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  exclude " + src + "/cache/: begins with the source's own path " + src);
  }

  /** Patterns that together exclude every path (the dotfiles, and every name not starting with a dot): nothing would be replicated. */
  @Test
  void doctorFailsExcludesThatLeaveNothingToReplicate() throws Exception {
    String src = Files.createDirectories(tmp.resolve("src")).toString();
    Files.createDirectories(tmp.resolve("dst"));
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    int code = cl.execute("doctor", src, tmp.resolve("dst").toString(), "--exclude", ".*", "--exclude", "[!.]*", "--state-dir",
        tmp.resolve("state").toString());
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("FAIL  exclude [!.]*: with the patterns before it, excludes every path of the source, so nothing"
        + " would be replicated");
  }
}
