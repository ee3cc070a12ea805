package dev.livesync.transport;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static dev.livesync.transport.MassDeletionGuardTest.FILES;
import static dev.livesync.transport.MassDeletionGuardTest.converge;
import static dev.livesync.transport.MassDeletionGuardTest.countFiles;
import static dev.livesync.transport.MassDeletionGuardTest.fill;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.cli.Main;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusClient;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Trees;
import dev.livesync.testing.Workspace;
import dev.livesync.transport.TargetFixture.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A release the operator gave survives a restart of {@code livesync run} (a child process) that came
 * before the released deletions were carried out: the rsync daemon is down when {@code
 * release-deletes} runs, so the deletions cannot go; livesync is stopped (cleanly or killed), the
 * daemon comes back, and the restarted run deletes the released paths without holding them again
 * (alone they are more than {@code --max-delete}: a run deciding anew holds them). Deletions that
 * come after the release — while livesync is down, or after the restart — are judged afresh: more
 * than the limit again, they are held, and the released ones still go.
 */
class ReleaseAcrossRestartTest {
  /** Two top directories of the fixture: 100 files in 10 subdirectories, 112 entries; the limit is 100. */
  static final int TWO_DIRS = 2 * HeldDeletionsRestartTest.DIR_ENTRIES;
  @RegisterExtension final Workspace ws = new Workspace("release");
  private final byte[] src = Trees.bytes(ws.mkdirs("src"));
  private final byte[] state = Trees.bytes(ws.mkdirs("state"));

  private Path socket() {
    return Trees.path(state).resolve("status.sock");
  }

  private LivesyncProcess run(TargetFixture t, String delete) {
    List<String> args = new ArrayList<>(List.of("run", Bytes.latin1(src), t.url(), "--state-dir", Bytes.latin1(state),
        "--status-socket", socket().toString(), "--delay", "50ms", "--max-delete", "100", "--delete", delete,
        "--password-file", t.daemon.passwordFile().toString()));
    return ws.livesync(args);
  }

  /** The held count, -1 while nothing answers on the socket. */
  private long held() throws Exception {
    try {
      JsonNode doc = Json.read(StatusClient.fetch(socket()), "status");
      return doc.path("syncs").path(0).path("targets").path(0).path("deletionsHeld").asLong();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /** Waits until the held count is {@code n} (a hold grows batch by batch); returns it. */
  private long awaitHeld(LivesyncProcess p, long n) throws Exception {
    return Await.value(n + " deletions held", CONVERGE, this::held, h -> h == n, h -> h + " held\n" + p.output());
  }

  /** The files under {@code dir}, counted while rsync may be deleting there (-1 when one went during the walk). */
  private static int filesNow(byte[] dir) throws Exception {
    try {
      return countFiles(dir);
    } catch (java.io.UncheckedIOException e) {
      return -1;
    }
  }

  private boolean stateFile(String suffix) throws java.io.IOException {
    try (var files = Files.walk(Trees.path(state))) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(suffix));
    }
  }

  /** {@code delete} running: the startup full sync deletes nothing, the release goes as a send of its paths. */
  @ParameterizedTest(name = "stopped by SIG{0}, more deleted while down: {1}, --delete {2}")
  @CsvSource({"TERM, false, always", "KILL, true, always", "KILL, false, running"})
  void aReleaseNotCarriedOutBeforeAStopIsHonouredAfterTheRestart(String signal, boolean moreWhileDown, String delete) throws Exception {
    var t = TargetFixture.start(Kind.DAEMON, null);
    ws.closing(t);
    fill(src);
    var first = run(t, delete);
    converge(src, t, first);

    Trees.delete(at(src, "d1"));
    Trees.delete(at(src, "d2")); // 112 entries, more than 100: held
    awaitHeld(first, TWO_DIRS);

    t.daemon.stop(); // the target is down: the released deletions cannot be carried out
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute("release-deletes", "--status-socket", socket().toString())).as(out.toString()).isZero();
    assertThat(out.toString()).contains(TWO_DIRS + " held deletions released");
    awaitHeld(first, 0);
    first.awaitOutput("failed (rsync exit", CONVERGE); // the released deletions were tried, and could not be carried out
    first.signal(signal);
    first.awaitExit(CONVERGE);
    Files.deleteIfExists(socket()); // a killed run leaves its socket behind
    assertThat(countFiles(t.dir)).as("nothing was deleted before the stop").isEqualTo(FILES);
    assertThat(stateFile(".released")).as("the release is kept in the state dir").isTrue();
    if (moreWhileDown) {
      Trees.delete(at(src, "d3")); // after the release: not covered by it
      Trees.delete(at(src, "d4"));
    }

    t.daemon.start();
    var second = run(t, delete);
    second.awaitOutput("released in the previous run were not carried out", CONVERGE);
    // the restarted run carries the release out, or holds the deletions again: whichever comes first
    Await.until("the released deletions carried out or held again", CONVERGE, () -> filesNow(t.dir) == FILES - 100 || held() > 0, second::output);
    if (moreWhileDown) {
      // the startup full sync holds the new deletions (112, over the limit) and still carries out the released ones
      awaitHeld(second, TWO_DIRS);
      Await.until("the released deletions carried out", CONVERGE, () -> filesNow(t.dir) == FILES - 100, second::output);
      assertThat(Trees.exists(at(t.dir, "d3/s0/f3.txt"))).isTrue();
      assertThat(held()).isEqualTo(TWO_DIRS);
      return;
    }
    assertThat(held()).as("the released deletions are held again:\n%s", second.output()).isZero();
    converge(src, t, second);
    assertThat(second.output()).doesNotContain("are held");
    Await.until("the release no longer recorded once carried out", CONVERGE, () -> !stateFile(".released"), second::output);

    // the release was for those paths only: new deletions, over the limit again, are held
    Trees.delete(at(src, "d3"));
    Trees.delete(at(src, "d4"));
    awaitHeld(second, TWO_DIRS);
    assertThat(countFiles(t.dir)).isEqualTo(FILES - 100);
  }
}
