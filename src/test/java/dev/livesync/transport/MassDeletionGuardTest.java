package dev.livesync.transport;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.cli.Main;
import dev.livesync.fs.Bytes;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusClient;
import dev.livesync.testing.Await;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mass-deletion guard in {@code livesync run} (a child process) against a real local directory
 * and a real rsync daemon: an emptied source, at the start or while running, deletes nothing on the
 * target; status shows the held paths; {@code release-deletes} deletes exactly those; creations keep
 * flowing while deletions are held; below the threshold deletions flow as before.
 */
class MassDeletionGuardTest {
  static final int FILES = 500;
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("guard-src");
  private final byte[] state = Trees.tempDir("guard-state");

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) c.close();
    Trees.delete(src);
    Trees.delete(state);
  }

  /** 500 files in 10 directories of 5 subdirectories each. */
  static void fill(byte[] root) {
    for (int i = 0; i < FILES; i++) Trees.write(at(root, "d" + i % 10 + "/s" + i / 10 % 5 + "/f" + i + ".txt"), "file " + i);
  }

  /** Counted again while rsync's temporary files come and go under the walk (one vanished between its listing and its look). */
  static int countFiles(byte[] root) throws Exception {
    while (true) {
      try (var s = java.nio.file.Files.walk(Trees.path(root))) {
        return (int) s.filter(java.nio.file.Files::isRegularFile).filter(p -> !p.toString().contains("/.livesync/")).count();
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) throw e;
      }
    }
  }

  /** The regular files under {@code root} whose names end with {@code suffix}. */
  static int countFiles(byte[] root, String suffix) throws Exception {
    while (true) {
      try (var s = java.nio.file.Files.walk(Trees.path(root))) {
        return (int) s.filter(java.nio.file.Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix)).count();
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) throw e;
      }
    }
  }

  /** Of the ransomware test's 300 originals (d1..d3/f1..f100), how many the target no longer has. */
  static int originalsGone(byte[] root) {
    int n = 0;
    for (int d = 1; d <= 3; d++) for (int i = 1; i <= 100; i++) if (!Trees.exists(at(root, "d" + d + "/f" + i))) n++;
    return n;
  }

  static void awaitSameFile(byte[] a, byte[] b) throws InterruptedException {
    Await.until(Bytes.display(b) + " like " + Bytes.display(a), CONVERGE, () -> Trees.exists(b) && java.util.Arrays.equals(Trees.read(a), Trees.read(b)),
        () -> Trees.exists(b) ? Trees.read(b).length + " bytes, " + Trees.read(a).length + " at the source" : "missing");
  }

  /** The target equals the source within {@link dev.livesync.testing.Await#CONVERGE}; else fails with what livesync logged. */
  static void converge(byte[] src, TargetFixture t, LivesyncProcess p) throws InterruptedException {
    try {
      Trees.awaitSameTree(src, t.dir, CONVERGE, Trees.Ignore.DIR_MTIMES);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nlivesync:\n" + p.output(), e);
    }
  }

  private Path socket() {
    return Trees.path(state).resolve("status.sock");
  }

  private LivesyncProcess run(TargetFixture t, String... options) {
    List<String> args = new ArrayList<>(List.of("run", Bytes.latin1(src), t.url(), "--state-dir", Bytes.latin1(state),
        "--status-socket", socket().toString()));
    args.addAll(options.length > 0 ? List.of(options) : List.of("--delay", "50ms"));
    if (t.kind == Kind.DAEMON) args.addAll(List.of("--password-file", t.daemon.passwordFile().toString()));
    var p = LivesyncProcess.start(args);
    cleanup.add(p);
    return p;
  }

  private JsonNode target() throws Exception {
    JsonNode doc = Json.read(StatusClient.fetch(socket()), "status");
    return doc.path("syncs").path(0).path("targets").path(0);
  }

  private long awaitHeld(LivesyncProcess p) throws Exception {
    return Await.value("deletions held", CONVERGE, () -> {
      try {
        return target().path("deletionsHeld").asLong();
      } catch (java.io.IOException e) {
        return 0L; // not answering yet
      }
    }, held -> held > 0, held -> held + "\n" + p.output());
  }

  /** Status is published a few times a second: the held count once the release has gone through. */
  private void awaitNoneHeld() throws Exception {
    Await.value("no deletions held", CONVERGE, () -> target().path("deletionsHeld").asLong(), held -> held == 0);
  }

  private String releaseDeletes() {
    StringWriter out = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute("release-deletes", "--status-socket", socket().toString())).as(out.toString()).isZero();
    return out.toString();
  }

  /** What `livesync status` prints for the running process. */
  private String status() throws Exception {
    return dev.livesync.ops.status.StatusView.render(Json.read(StatusClient.fetch(socket()), "status"), com.fasterxml.jackson.databind.node.NullNode.getInstance());
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "DAEMON"})
  void aRunStartedWithAnEmptiedSourceDeletesNothingUntilReleased(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, null);
    cleanup.add(t);
    fill(t.dir);
    var p = run(t);
    long held = awaitHeld(p);
    assertThat(held).as("every entry: 500 files, 50 subdirectories, 10 directories").isEqualTo(FILES + 60);
    assertThat(countFiles(t.dir)).isEqualTo(FILES);
    assertThat(p.output()).containsOnlyOnce("deletions for this target are held");
    assertThat(status()).contains("deletions held: " + held + " paths");

    // creations and changes keep flowing while the deletions are held
    Trees.write(at(src, "new.txt"), "made while deletions are held");
    awaitSameFile(at(src, "new.txt"), at(t.dir, "new.txt"));
    assertThat(countFiles(t.dir)).isEqualTo(FILES + 1);
    assertThat(target().path("deletionsHeld").asLong()).isEqualTo(held);

    assertThat(releaseDeletes()).contains(held + " held deletions released");
    converge(src, t, p);
    awaitNoneHeld();
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "DAEMON"})
  void aSourceEmptiedWhileRunningDeletesNothingUntilReleased(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, null);
    cleanup.add(t);
    fill(src);
    var p = run(t);
    converge(src, t, p);

    // below the threshold deletions flow as before: 30 files of 500
    for (int i = 0; i < 30; i++) Trees.delete(at(src, "d" + i % 10 + "/s" + i / 10 % 5 + "/f" + i + ".txt"));
    converge(src, t, p);
    assertThat(target().path("deletionsHeld").asLong()).isZero();

    for (int d = 0; d < 10; d++) Trees.delete(at(src, "d" + d)); // rm -rf SRC/*
    long held = awaitHeld(p);
    Thread.sleep(1000); // the rest of the deletions, had any been let through, would have arrived by now
    assertThat(countFiles(t.dir)).as(p.output()).isEqualTo(FILES - 30);
    assertThat(held).isGreaterThanOrEqualTo(10);

    // a file back at the source is no longer a deletion: it is sent as usual
    Trees.write(at(src, "d3/s0/f3.txt"), "back");
    awaitSameFile(at(src, "d3/s0/f3.txt"), at(t.dir, "d3/s0/f3.txt"));

    assertThat(status()).contains("deletions held: ");
    assertThat(releaseDeletes()).contains("held deletions released");
    converge(src, t, p);
    assertThat(countFiles(t.dir)).isEqualTo(1);
    awaitNoneHeld();
  }

  /**
   * Ransomware's pattern, file by file: an encrypted copy written beside the original, then the
   * original deleted (as {@code echo ENC > $f.locked; rm $f} does), at {@code --max-delete 20%} and
   * the default batching. Each batch made as many entries as it deleted, and that counted as making up
   * for them: every original was deleted at the target, nothing held. Now the target keeps every
   * original but those a first small batch deleted within the limit, status shows them held, the
   * copies arrive, and {@code release-deletes} lets them go.
   */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "DAEMON"})
  void originalsDeletedEachAfterItsEncryptedCopyWasWrittenAreHeld(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, null);
    cleanup.add(t);
    for (int d = 1; d <= 3; d++) for (int i = 1; i <= 100; i++) Trees.write(at(src, "d" + d + "/f" + i), i + "\n");
    var p = run(t, "--max-delete", "20%");
    converge(src, t, p);

    // as fast as this JVM goes (a shell loop forking rm runs at some 30 files a second on a busy
    // machine: the first deletions, up to the limit, then go before the hold, as any spread over the minute)
    for (int d = 1; d <= 3; d++) {
      for (int i = 1; i <= 100; i++) {
        Trees.write(at(src, "d" + d + "/f" + i + ".locked"), "ENC\n");
        Trees.delete(at(src, "d" + d + "/f" + i));
      }
    }
    // On a loaded machine the first batch may close after a few of them (16 in one CI run): a batch
    // deleting fewer than 20 paths, within the limit, is not looked at as a burst and goes, as
    // docs/versions.md says. Every other original stays on the target, held, and what went counts
    // against the limit.
    Await.until("the copies at the target, each original either held there or deleted before the hold", CONVERGE,
        () -> countFiles(t.dir, ".locked") == 300 && target().path("deletionsHeld").asLong() + originalsGone(t.dir) == 300,
        () -> countFiles(t.dir, ".locked") + " copies, " + target().path("deletionsHeld").asLong() + " held, " + originalsGone(t.dir)
            + " originals gone\n" + p.output());
    int gone = originalsGone(t.dir);
    assertThat(gone).as("originals deleted before the hold, at most the limit (20%% of 304 entries)\n%s", p.output()).isLessThanOrEqualTo(60);
    assertThat(p.output()).containsOnlyOnce("deletions for this target are held");
    if (gone > 0) assertThat(p.output()).contains("(" + gone + " deleted in the last minute)");
    assertThat(status()).contains("deletions held: " + (300 - gone) + " paths");

    assertThat(releaseDeletes()).contains((300 - gone) + " held deletions released");
    converge(src, t, p);
    assertThat(countFiles(t.dir)).isEqualTo(300);
    awaitNoneHeld();
  }

  /**
   * A rename is not a loss: the directory holding the whole tree renamed (on a daemon target that is a
   * send of the new name and a deletion of the old) converges and holds nothing.
   */
  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"LOCAL", "DAEMON"})
  void renamingTheDirectoryHoldingTheTreeHoldsNothing(Kind kind) throws Exception {
    var t = TargetFixture.start(kind, null);
    cleanup.add(t);
    fill(at(src, "top"));
    Trees.write(at(src, "beside.txt"), "one file outside");
    var p = run(t);
    converge(src, t, p);

    java.nio.file.Files.move(Trees.path(at(src, "top")), Trees.path(at(src, "renamed")));
    converge(src, t, p);
    assertThat(target().path("deletionsHeld").asLong()).as(p.output()).isZero();
    assertThat(p.output()).doesNotContain("are held");
  }
}
