package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that holds both the source and the state dir ({@code run /pc/src /pc}, state under /pc):
 * one mistake, one line — the target contains the source — not a second about the state dir in it.
 * A target that holds the state dir alone is still refused for that.
 */
class TargetOverSourceAndStateTest {
  @TempDir Path tmp;

  private static List<String> said(boolean out, String... args) {
    StringWriter o = new StringWriter(), e = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(o));
    cl.setErr(new PrintWriter(e));
    cl.execute(args);
    return (out ? o : e).toString().lines().toList();
  }

  @Test
  void aTargetHoldingTheSourceAndTheStateDirIsOneLine() throws Exception {
    Path pc = Files.createDirectories(tmp.resolve("pc"));
    Path src = Files.createDirectories(pc.resolve("src"));
    String[] flags = {"--state-dir", pc.resolve("state").toString(), "--status-socket", tmp.resolve("s.sock").toString()};
    List<String> run = said(false, concat(new String[] {"run", "--check"}, flags, new String[] {src.toString(), pc.toString()}));
    assertThat(run.stream().filter(l -> l.startsWith("livesync run: ")).toList()).as(String.join("\n", run))
        .containsExactly("livesync run: target " + pc + ": contains the source " + src
            + ": the target's deletions would remove the source itself (it is not in the tree copied there); choose a target outside the source");
    List<String> doctor = said(true, "doctor", "--state-dir", pc.resolve("state").toString(), src.toString(), pc.toString());
    assertThat(doctor.stream().filter(l -> l.startsWith("FAIL")).toList()).as(String.join("\n", doctor))
        .containsExactly("FAIL  target " + pc + ": contains the source " + src
            + ": the target's deletions would remove the source itself (it is not in the tree copied there); choose a target outside the source");

    // the state dir inside a target that is not the source's: still refused
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    List<String> alone = said(false, "run", "--check", "--state-dir", dst.resolve("state").toString(), "--status-socket",
        tmp.resolve("s.sock").toString(), other.toString(), dst.toString());
    assertThat(alone.stream().filter(l -> l.startsWith("livesync run: ")).toList()).as(String.join("\n", alone)).singleElement()
        .asString().startsWith("livesync run: --state-dir " + dst.resolve("state") + ": is inside the target " + dst + ": ");
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }
}
