package dev.livesync.transport;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static dev.livesync.transport.MassDeletionGuardTest.countFiles;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.cli.Main;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusClient;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Trees;
import dev.livesync.testing.Workspace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full sync that would delete everything on the target — an empty source, or a sync pointed at
 * another tree — is held however few entries the target has (the limit's 100-path floor does not
 * apply): {@code livesync run} (a child process, real rsync) onto a local directory. With {@code
 * --max-delete off} the guard is off, as documented, and the target follows the source.
 */
class EmptySourceGuardTest {
  @RegisterExtension final Workspace ws = new Workspace("empty-source");
  private final byte[] work = Trees.bytes(ws.dir());
  private final byte[] src = at(work, "src"), dst = at(work, "dst"), state = at(work, "state");
  private final Path socket = Trees.path(work).resolve("status.sock");

  private LivesyncProcess run(List<String> args) {
    return ws.livesync(args);
  }

  private LivesyncProcess run(String... options) {
    List<String> args = new ArrayList<>(List.of("run", Bytes.latin1(src), Bytes.latin1(dst), "--state-dir", Bytes.latin1(state),
        "--status-socket", socket.toString(), "--delay", "50ms"));
    args.addAll(List.of(options));
    return run(args);
  }

  private long held() throws Exception {
    return Json.read(StatusClient.fetch(socket), "status").path("syncs").path(0).path("targets").path(0).path("deletionsHeld").asLong();
  }

  private long awaitHeld(LivesyncProcess p) throws Exception {
    return Await.value("deletions held", CONVERGE, () -> {
      try {
        return held();
      } catch (java.io.IOException e) {
        return 0L; // not answering yet
      }
    }, h -> h > 0, h -> h + "\n" + p.output());
  }

  private String releaseDeletes() {
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute("release-deletes", "--status-socket", socket.toString())).as(out.toString()).isZero();
    return out.toString();
  }

  private static void files(byte[] dir, String prefix, int n) {
    for (int i = 1; i <= n; i++) Trees.write(at(dir, prefix + i), prefix + i + "\n");
  }

  /** mkdir src dst; touch dst/f{1..60}; livesync run src dst: the 60 files stay until released. */
  @ParameterizedTest
  @ValueSource(strings = {"50%", "1000"})
  void anEmptySourceNeverWipesASmallTargetAtStart(String maxDelete) throws Exception {
    Trees.mkdirs(src);
    files(dst, "f", 60);
    var p = run("--max-delete", maxDelete);
    assertThat(awaitHeld(p)).as(p.output()).isEqualTo(60);
    Thread.sleep(1000); // the deletions, had they been let through, would have arrived by now
    assertThat(countFiles(dst)).as(p.output()).isEqualTo(60);
    assertThat(p.output()).contains("a full sync would delete all 60 entries on the target and leave nothing there")
        .containsOnlyOnce("deletions for this target are held").doesNotContain("deleted 60 files");

    Trees.write(at(src, "new.txt"), "creations keep flowing");
    MassDeletionGuardTest.awaitSameFile(at(src, "new.txt"), at(dst, "new.txt"));

    assertThat(releaseDeletes()).contains("60 held deletions released");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    Await.value("no deletions held", CONVERGE, this::held, h -> h == 0);
  }

  /** Off is off: a user who turned the guard off gets the target emptied, as documented. */
  @Test
  void withTheGuardOffAnEmptySourceEmptiesTheTarget() throws Exception {
    Trees.mkdirs(src);
    files(dst, "f", 60);
    var p = run("--max-delete", "off");
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    p.awaitOutput("deleted 60 files", CONVERGE);
    assertThat(p.output()).doesNotContain("are held");
  }

  /** A SIGHUP reload points the sync at a mistyped, existing directory: the target's 80 files stay, the other tree's files arrive. */
  @Test
  void aReloadPointingASyncAtAnotherTreeDoesNotWipeItsTarget() throws Exception {
    files(src, "f", 80);
    byte[] other = at(work, "other");
    files(other, "unrelated", 5);
    Path cfg = Trees.path(work).resolve("livesync.toml");
    Files.writeString(cfg, config(src));
    var p = run(List.of("run", "--config", cfg.toString(), "--status-socket", socket.toString()));
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
    p.awaitOutput("running:", CONVERGE);

    Files.writeString(cfg, config(other));
    p.signal("HUP");
    assertThat(awaitHeld(p)).as(p.output()).isEqualTo(80);
    Await.until("the other tree's files at the target", CONVERGE, () -> countFiles(dst) == 85, () -> countFiles(dst) + "\n" + p.output());
    for (int i = 1; i <= 80; i++) assertThat(Trees.exists(at(dst, "f" + i))).as("f%d at the target", i).isTrue();
    assertThat(p.output()).contains("a full sync would delete all 80 entries on the target");
  }

  private String config(byte[] source) {
    return "state_dir = \"" + Bytes.latin1(state) + "\"\n[[sync]]\nname = \"one\"\nsource = \"" + Bytes.latin1(source)
        + "\"\ndelay = \"50ms\"\n  [[sync.target]]\n  url = \"" + Bytes.latin1(dst) + "\"\n";
  }
}
