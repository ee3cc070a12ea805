package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dry runs the mass-deletion guard decides on, against a real local target: every entry a transfer would delete. */
class DryRunsTest {
  private final byte[] src = Trees.tempDir("dry-src");
  private final byte[] dst = Trees.tempDir("dry-dst");

  @AfterEach
  void tearDown() {
    Trees.delete(src);
    Trees.delete(dst);
  }

  static List<String> names(DeletionPreview p) {
    return p.deletions().stream().map(Bytes::display).sorted().toList();
  }

  @Test
  void aSendOfAPathGoneFromTheSourceWouldDeleteItWithEverythingUnderIt() throws Exception {
    Trees.write(at(dst, "d/s/f1"), "1");
    Trees.write(at(dst, "d/f2"), "2");
    Trees.write(at(dst, "kept"), "k");
    Trees.write(at(src, "kept"), "k");
    try (var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())) {
      assertThat(names(t.sendDeletions(List.of(Bytes.of("d")), false))).containsExactly("d", "d/f2", "d/s", "d/s/f1");
      assertThat(names(t.sendDeletions(List.of(Bytes.of("kept")), false))).isEmpty();
      DeletionPreview full = t.fullSyncDeletions();
      assertThat(names(full)).containsExactly("d", "d/f2", "d/s", "d/s/f1");
      assertThat(full.targetEntries()).as("., kept, d, d/s, d/s/f1, d/f2").isEqualTo(6);
      assertThat(Trees.exists(at(dst, "d/s/f1"))).as("a dry run changes nothing").isTrue();
    }
  }

  /**
   * A full sync's dry run counts every entry the real run would touch, attributes alone included, and
   * nothing on a target that equals the source: then the real run is left out (the engine's GuardedFullSync).
   */
  @Test
  void aFullSyncsDryRunCountsEveryChangeAndNoneOnAnEqualTarget() throws Exception {
    Trees.write(at(src, "d/f1"), "1");
    Trees.write(at(src, "f2"), "2");
    try (var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())) {
      assertThat(t.fullSyncDeletions().changes()).as("., d, d/f1, f2 to make").isEqualTo(4);
      assertThat(t.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.fullSyncDeletions().nothingToDo()).as("equal").isTrue();
      Trees.chmod(at(dst, "d/f1"), 0600);
      assertThat(t.fullSyncDeletions().changes()).as("a mode").isEqualTo(1);
    }
    try (var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().extraArgs(List.of("-H")).build())) {
      assertThat(t.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(t.fullSyncDeletions().changed()).as("equal: nothing to name").isEmpty();
      Trees.write(at(src, "f3"), "3");
      assertThat(Bytes.display(t.fullSyncDeletions().changed().getLast())).as("a new file, named").isEqualTo("f3");
      java.nio.file.Files.createLink(Trees.path(at(src, "d/link")), Trees.path(at(src, "f2")));
      assertThat(t.fullSyncDeletions().changed()).as("a hard link to make: not named (the whole tree carries it)").isNull();
    }
    try (var t = RsyncTransport.open(src, Bytes.latin1(dst) + "/missing/below", TargetOptions.defaults())) {
      Trees.delete(at(src, "d"));
      Trees.delete(at(src, "f2"));
      Trees.delete(at(src, "f3"));
      assertThat(t.fullSyncDeletions().nothingToDo()).as("an empty source, the target directory missing").isFalse();
    }
  }

  /** A wrapper that runs the real rsync, then says {@code message} and exits 24 (failure injection: a race made certain). */
  private java.nio.file.Path vanishing(String message) throws java.io.IOException {
    java.nio.file.Path wrapper = java.nio.file.Path.of(Bytes.latin1(src) + "-rsync-24");
    java.nio.file.Files.writeString(wrapper, "#!/bin/sh\nrsync \"$@\" || exit $?\necho '" + message + "' >&2\n"
        + "echo 'rsync warning: some files vanished before they could be transferred (code 24) at main.c(1394) [sender=3.5.0]' >&2\nexit 24\n");
    Trees.chmod(Bytes.of(wrapper.toString()), 0755);
    return wrapper;
  }

  /**
   * rsync exits 24 when files vanish while it lists the source. The preview is refused, to be
   * retried: what vanished is missing from what the batch makes, so the guard's net count would be
   * off. So it is when the name is shaped like rsync's temporary file but at the source.
   */
  @Test
  void aDryRunThatSawFilesVanishIsRetried() throws Exception {
    Trees.write(at(src, "d/kept"), "k");
    Trees.write(at(dst, "d/gone"), "g");
    for (String gone : List.of("/x", Bytes.latin1(src) + "/d/.kept.Ab12Cd")) {
      java.nio.file.Path wrapper = vanishing("file has vanished: \"" + gone + "\"");
      try (var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().rsyncCommand(List.of(wrapper.toString())).build())) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.sendDeletions(List.of(Bytes.of("d")), true))
            .isInstanceOfSatisfying(TransportException.class, e -> {
              // the batch again, after its own backoff, not the whole target's (RETRY)
              assertThat(e.result().outcome()).isEqualTo(TransferResult.Outcome.PARTIAL);
              assertThat(e.result().failedPaths()).containsExactly(Bytes.of("d"));
            })
            .hasMessageContaining("vanished");
        org.assertj.core.api.Assertions.assertThatThrownBy(t::fullSyncDeletions).as(gone).isInstanceOf(TransportException.class);
      } finally {
        java.nio.file.Files.delete(wrapper);
      }
    }
  }

  /**
   * Parts of a full sync run side by side, and one part's dry run (or the whole tree's, which the
   * guard runs before it holds a part's deletions) lists a directory at the target where another
   * part's rsync is renaming its temporary file into place: rsync says it vanished and exits 24. The
   * source did not move: the preview stands (a CI run's full sync after a restart came out PARTIAL).
   */
  @Test
  void anotherRsyncsTemporaryFileGoneAtTheTargetLeavesThePreviewStanding() throws Exception {
    Trees.write(at(src, "d/kept"), "k");
    Trees.write(at(dst, "d/gone"), "g");
    for (String gone : List.of("file has vanished: \"" + Bytes.latin1(dst) + "/d/.f1.m6kN7c\"", "file has vanished: \"/d/.f1.m6kN7c\" (in backup)")) {
      java.nio.file.Path wrapper = vanishing(gone);
      try (var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().rsyncCommand(List.of(wrapper.toString())).build())) {
        assertThat(names(t.fullSyncDeletions())).as(gone).containsExactly("d/gone");
        assertThat(names(t.sendDeletions(List.of(Bytes.of("d")), true))).as(gone).containsExactly("d/gone");
      } finally {
        java.nio.file.Files.delete(wrapper);
      }
    }
  }
}
