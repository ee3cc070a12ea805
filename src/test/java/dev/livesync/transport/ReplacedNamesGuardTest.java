package dev.livesync.transport;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static dev.livesync.transport.MassDeletionGuardTest.converge;
import static dev.livesync.transport.MassDeletionGuardTest.countFiles;
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
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mass-deletion guard's exemption for names made within the minute covers only names new to the
 * target: {@code livesync run} (a child process, real rsync) to a local directory, the default
 * {@code --max-delete}. A directory replaced by a symlink or a file, files {@code tar x} wrote over
 * themselves, files restored at the source after a hold: the target had all of them, and deleting
 * them is judged. Files made and deleted within the minute, again and again, still are not.
 */
class ReplacedNamesGuardTest {
  static final int FILES = 300;
  @RegisterExtension final Workspace ws = new Workspace("replaced");
  private final byte[] src = Trees.bytes(ws.mkdirs("src"));
  private final byte[] outside = Trees.bytes(ws.mkdirs("outside"));
  private final byte[] state = Trees.bytes(ws.mkdirs("state"));
  private TargetFixture t;
  private LivesyncProcess p;

  private Path socket() {
    return Trees.path(state).resolve("status.sock");
  }

  /** {@code livesync run} onto a local target, once the target equals the source. */
  private void start() throws Exception {
    t = TargetFixture.start(Kind.LOCAL, null);
    ws.closing(t);
    p = LivesyncProcess.start(List.of("run", Bytes.latin1(src), t.url(), "--state-dir", Bytes.latin1(state), "--status-socket",
        socket().toString(), "--delay", "50ms"));
    ws.closing(p);
    converge(src, t, p);
  }

  private long held() throws Exception {
    JsonNode doc = Json.read(StatusClient.fetch(socket()), "status");
    return doc.path("syncs").path(0).path("targets").path(0).path("deletionsHeld").asLong();
  }

  private long awaitHeld() throws Exception {
    return Await.value("deletions held", CONVERGE, this::held, h -> h > 0, h -> h + "\n" + p.output());
  }

  private String releaseDeletes() {
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute("release-deletes", "--status-socket", socket().toString())).as(out.toString()).isZero();
    return out.toString();
  }

  private void fill(String dir) {
    for (int i = 0; i < FILES; i++) Trees.write(at(src, dir + "/f" + i), "file " + i + "\n");
  }

  private static void sh(byte[] dir, String... argv) throws Exception {
    var proc = new ProcessBuilder(argv).directory(Trees.path(dir).toFile()).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes());
    assertThat(proc.waitFor()).as(String.join(" ", argv) + ": " + out).isZero();
  }

  /** The deletions are held, none went: the target still has every file, and release-deletes lets them go. */
  private void assertHeldThenReleased() throws Exception {
    long held = awaitHeld();
    assertThat(held).as(p.output()).isGreaterThanOrEqualTo(FILES);
    Thread.sleep(1000); // the deletions, had they been let through, would have arrived by now
    assertThat(countFiles(t.dir)).as(p.output()).isEqualTo(FILES);
    assertThat(p.output()).containsOnlyOnce("deletions for this target are held");
    assertThat(releaseDeletes()).contains("held deletions released");
    converge(src, t, p);
    Await.value("no deletions held", CONVERGE, this::held, h -> h == 0);
  }

  /** mv src/www elsewhere && ln -s elsewhere src/www: rsync deletes the directory's tree at the target to make the link. */
  @Test
  void aDirectoryReplacedByASymlinkIsJudgedAsTheDeletionOfItsTree() throws Exception {
    fill("www");
    start();
    java.nio.file.Files.move(Trees.path(at(src, "www")), Trees.path(at(outside, "www")));
    Trees.symlink(at(src, "www"), at(outside, "www"));
    assertHeldThenReleased();
  }

  /** rm -rf src/proj && echo x > src/proj. */
  @Test
  void aDirectoryReplacedByAFileIsJudgedAsTheDeletionOfItsTree() throws Exception {
    fill("proj");
    start();
    Trees.delete(at(src, "proj"));
    Trees.write(at(src, "proj"), "x\n");
    assertHeldThenReleased();
  }

  /** tar x over the tree unlinks and makes each file again: the target had them all along, and rm -rf of them is held. */
  @Test
  void filesTarWroteOverThemselvesAreNoNewNames() throws Exception {
    fill("proj");
    start();
    sh(src, "tar", "cf", Bytes.latin1(at(outside, "p.tar")), "proj");
    sh(src, "tar", "xf", Bytes.latin1(at(outside, "p.tar")));
    Thread.sleep(4000);
    Trees.delete(at(src, "proj"));
    assertHeldThenReleased();
  }

  /**
   * A held rm -rf put right by restoring the files at the source, more than a minute later: deleting
   * them again within the minute, 50 at a time, is judged as the deletion of what the target has had
   * all along.
   */
  @Test
  void filesRestoredAfterAHoldAreNoNewNames() throws Exception {
    fill("proj");
    start();
    Trees.delete(at(src, "proj"));
    awaitHeld();
    Thread.sleep(81_000); // an operator's while: longer than the events' memory of the deletions
    fill("proj");
    Await.value("the held deletions dropped", CONVERGE, this::held, h -> h == 0, h -> h + "\n" + p.output());
    converge(src, t, p);
    for (int i = 0; i < FILES; i++) {
      Trees.delete(at(src, "proj/f" + i));
      if (i % 50 == 49) Thread.sleep(500);
    }
    awaitHeld();
    Thread.sleep(1000);
    // what went before the hold is within the limit: half the target
    assertThat(countFiles(t.dir)).as(p.output()).isGreaterThanOrEqualTo(FILES / 2);
  }

  /** The exemption's purpose stays: a build's tree made, removed, made and removed again within the minute is no loss. */
  @Test
  void aTreeMadeAndRemovedTwiceWithinTheMinuteIsNotHeld() throws Exception {
    for (int i = 0; i < 50; i++) Trees.write(at(src, "keep/f" + i), "kept\n");
    start();
    for (int round = 0; round < 2; round++) {
      fill("build");
      converge(src, t, p);
      Trees.delete(at(src, "build"));
      converge(src, t, p);
    }
    assertThat(held()).as(p.output()).isZero();
    assertThat(p.output()).doesNotContain("are held");
  }
}
