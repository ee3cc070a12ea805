package dev.livesync.transport;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static dev.livesync.transport.MassDeletionGuardTest.awaitSameFile;
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
 * Held deletions survive a restart of {@code livesync run} (a child process), stopped cleanly or
 * killed: the restarted run holds them again — status shows them, nothing is deleted on the target —
 * until {@code release-deletes}. The case where deciding anew would let them through: the hold came
 * from the minute's count (deletions let through just before, plus these), so the restarted run's
 * first full sync sees only the held ones, fewer than {@code --max-delete}.
 */
class HeldDeletionsRestartTest {
  /** One top directory of the fixture: 50 files in 5 subdirectories, 56 entries. */
  static final int DIR_ENTRIES = 56;
  @RegisterExtension final Workspace ws = new Workspace("held");
  private final byte[] src = Trees.bytes(ws.mkdirs("src"));
  private final byte[] state = Trees.bytes(ws.mkdirs("state"));

  private Path socket() {
    return Trees.path(state).resolve("status.sock");
  }

  private LivesyncProcess run(TargetFixture t) {
    List<String> args = new ArrayList<>(List.of("run", Bytes.latin1(src), t.url(), "--state-dir", Bytes.latin1(state),
        "--status-socket", socket().toString(), "--delay", "50ms", "--max-delete", "100"));
    if (t.kind == Kind.DAEMON) args.addAll(List.of("--password-file", t.daemon.passwordFile().toString()));
    return ws.livesync(args);
  }

  private long held() throws Exception {
    JsonNode doc = Json.read(StatusClient.fetch(socket()), "status");
    return doc.path("syncs").path(0).path("targets").path(0).path("deletionsHeld").asLong();
  }

  private long awaitHeld(LivesyncProcess p) throws Exception {
    return Await.value("deletions held", CONVERGE, () -> {
      try {
        return held();
      } catch (java.io.IOException e) {
        return 0L; // not answering yet
      }
    }, n -> n > 0, n -> n + "\n" + p.output());
  }

  @ParameterizedTest(name = "{0}, stopped by SIG{1}")
  @CsvSource({"LOCAL, TERM", "DAEMON, KILL"})
  void heldDeletionsStayHeldAcrossARestart(Kind kind, String signal) throws Exception {
    var t = TargetFixture.start(kind, null);
    ws.closing(t);
    fill(src);
    var first = run(t);
    MassDeletionGuardTest.converge(src, t, first);

    Trees.delete(at(src, "d0")); // 56 entries: under the limit of 100, let through
    converge(src, t, first);
    assertThat(held()).isZero();
    Trees.delete(at(src, "d1")); // 56 more within the minute: 112 > 100, held
    long held = awaitHeld(first);
    assertThat(held).isEqualTo(DIR_ENTRIES);
    assertThat(countFiles(t.dir)).isEqualTo(MassDeletionGuardTest.FILES - 50);
    assertThat(hasHeldFile()).as("the held paths are kept in the state dir").isTrue();

    first.signal(signal);
    first.awaitExit(CONVERGE);
    Files.deleteIfExists(socket()); // a killed run leaves its socket behind

    // alone, the 56 deletions are under the limit: a run that decided anew would carry them out
    var second = run(t);
    assertThat(awaitHeld(second)).isEqualTo(held);
    second.awaitOutput("held by the previous run are still held", CONVERGE);
    Trees.write(at(src, "new.txt"), "made after the restart");
    awaitSameFile(at(src, "new.txt"), at(t.dir, "new.txt")); // the startup full sync has run, creations flow
    assertThat(countFiles(t.dir)).as(second.output()).isEqualTo(MassDeletionGuardTest.FILES - 50 + 1);
    assertThat(held()).isEqualTo(held);

    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute("release-deletes", "--status-socket", socket().toString())).as(out.toString()).isZero();
    assertThat(out.toString()).contains(held + " held deletions released");
    converge(src, t, second);
    assertThat(countFiles(t.dir)).isEqualTo(MassDeletionGuardTest.FILES - 100 + 1);
    Await.until("nothing held after the release", CONVERGE, () -> held() == 0 && !hasHeldFile(), second::output);
  }

  private boolean hasHeldFile() throws java.io.IOException {
    try (var files = Files.walk(Trees.path(state))) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith(".held"));
    }
  }
}
