package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailedPathsTest {
  private final FailedPaths parser = new FailedPaths(List.of(Bytes.of("/data/src"), Bytes.of("/mnt/dst")));

  private static List<byte[]> lines(String... s) {
    return Arrays.stream(s).map(Bytes::fromLatin1).toList();
  }

  private static List<String> shown(List<byte[]> paths) {
    return paths == null ? null : paths.stream().map(Bytes::display).toList();
  }

  @Test
  void senderAndReceiverMessagesNameTheBatchPaths() {
    List<byte[]> batch = List.of(Bytes.of("a/ok"), new byte[] {'b', (byte) 0xb9, (byte) 0xfa}, Bytes.of("nl\nx"),
        Bytes.of("we\"ird"), Bytes.of("back\\#012sl"), Bytes.of("ro/f"), Bytes.of("new"));
    var failed = parser.inBatch(batch, lines(
        "rsync: [sender] send_files failed to open \"/data/src/b\\#271\\#372\": Permission denied (13)",
        "rsync: [sender] send_files failed to open \"/data/src/nl\\#012x\": Permission denied (13)",
        "rsync: [sender] send_files failed to open \"/data/src/we\"ird\": Permission denied (13)",
        "rsync: [sender] send_files failed to open \"/data/src/back\\#134#012sl\": Permission denied (13)",
        "rsync: [receiver] mkstemp \"ro/.f.LlH7zb\" (in m) failed: Permission denied (13)",
        "rsync: [receiver] mkstemp \"/mnt/dst/.new.NyQDEv\" failed: Permission denied (13)",
        "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]"));
    assertThat(shown(failed)).containsExactlyInAnyOrder("b\\xb9\\xfa", "nl\\x0ax", "we\"ird", "back\\\\#012sl", "ro/f", "new");
  }

  /**
   * A run into a batch's base ({@code SOURCE/BASE/././REST}, see RsyncArgs#under): the sender names
   * its arguments so; a daemon's receiver names paths from the module's top, a slash first.
   */
  @Test
  void aRunIntoTheBatchsBaseNamesThePathsBelowIt() {
    var daemonAtTop = new FailedPaths(List.of(Bytes.of("/data/src"), Bytes.EMPTY));
    List<byte[]> batch = List.of(Bytes.of("a/b/c/f"), Bytes.of("a/b/g"), Bytes.of("a/b/ok"));
    var failed = daemonAtTop.inBatch(batch, lines(
        "file has vanished: \"/data/src/a/b/././c/f\"",
        "rsync: [sender] send_files failed to open \"/data/src/a/b/./g\": Too many levels of symbolic links (40)",
        "rsync: [receiver] mkstemp \"/a/b/.ok.EZurWa\" (in m) failed: Operation not permitted (1)"));
    assertThat(shown(failed)).containsExactlyInAnyOrder("a/b/c/f", "a/b/g", "a/b/ok");

    var daemonBelow = new FailedPaths(List.of(Bytes.of("/data/src"), Bytes.of("/sub/dir"))); // rsync://host/m/sub/dir
    assertThat(shown(daemonBelow.inBatch(batch, lines("rsync: [receiver] mkstemp \"/sub/dir/a/b/.ok.EZurWa\" (in m) failed: Operation not permitted (1)"))))
        .containsExactly("a/b/ok");
  }

  /**
   * A batch run with --max-delete=0 (the guard allowed no deletions: every path was there when the
   * engine looked) meets a path deleted since (not deleted: "Deletions stopped ...") and another that
   * vanished while it ran (exit 24). What goes again is those two, not the whole batch: sent again
   * (by content, -I), each file delivered would have been copied anew and, with versions kept, kept a
   * second time as a copy of itself.
   */
  @Test
  void deletionsStoppedByMaxDeleteAreTheBatchsPathsGoneFromTheSource(@org.junit.jupiter.api.io.TempDir java.nio.file.Path src) throws Exception {
    java.nio.file.Files.writeString(src.resolve("kept"), "k");
    java.nio.file.Files.createDirectories(src.resolve("dir"));
    java.nio.file.Files.writeString(src.resolve("dir/also"), "a");
    var inSource = new FailedPaths(List.of(Bytes.of(src.toString())));
    List<byte[]> batch = List.of(Bytes.of("kept"), Bytes.of("deleted-before"), Bytes.of("dir/also"), Bytes.of("dir/vanished"));
    var failed = inSource.inBatch(batch, lines(
        "file has vanished: \"" + src + "/dir/vanished\"",
        "Deletions stopped due to --max-delete limit (1 skipped)",
        "rsync warning: some files vanished before they could be transferred (code 24) at main.c(1338) [sender=3.5.0]"));
    assertThat(shown(failed)).containsExactlyInAnyOrder("dir/vanished", "deleted-before");
  }

  @Test
  void aFailedOrVanishedParentFailsEverythingBelowIt() {
    List<byte[]> batch = List.of(Bytes.of("gone/x"), Bytes.of("ro/sub/g"), Bytes.of("other"));
    var failed = parser.inBatch(batch, lines(
        "file has vanished: \"/data/src/gone\"",
        "WARNING: parent dir is absent in the file list: gone",
        "rsync: [generator] recv_generator: mkdir \"ro/sub\" (in m) failed: Permission denied (13)",
        "*** Skipping any contents from this failed directory ***",
        "rsync warning: some files vanished before they could be transferred (code 24) at main.c(1394) [sender=3.5.0]"));
    assertThat(shown(failed)).containsExactlyInAnyOrder("gone/x", "gone", "ro/sub/g", "ro/sub");
  }

  @Test
  void somethingInsideARecursivelySentDirectory() {
    var failed = parser.inBatch(List.of(Bytes.of("dir")), lines("rsync: [sender] send_files failed to open \"/data/src/dir/deep/f\": Permission denied (13)"));
    assertThat(shown(failed)).containsExactly("dir/deep/f");
  }

  @Test
  void anUnderstoodLineNamingNoBatchPathOrAnUnknownLineMeansUnidentified() {
    assertThat(parser.inBatch(List.of(Bytes.of("a")), lines("rsync: [sender] send_files failed to open \"/data/src/b\": x"))).isNull();
    assertThat(parser.inBatch(List.of(Bytes.of("a")), lines("something rsync never said before"))).isNull();
    assertThat(parser.inTree(lines("something rsync never said before"))).extracting(Bytes::display).containsExactly(".");
  }

  /** A name longer than rsync can name, reported (unquoted) while its directory is listed, in a send and in a full sync. */
  @Test
  void aNameTooLongForRsyncIsNamedWithItsDirectory() {
    String deep = "d/" + "n".repeat(255) + "/" + "m".repeat(255);
    var line = lines("filename overflows max-path len by 12: " + deep,
        "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]");
    assertThat(shown(parser.inBatch(List.of(Bytes.of("d")), line))).containsExactly(deep);
    assertThat(shown(parser.inTree(line))).containsExactly(deep);
  }

  /** Only what says the source changed under rsync counts as "moved": one other line, and it is not. */
  @Test
  void theSourceMovedOnlyWhenEveryMessageSaysSo() {
    String eloop = "rsync: [sender] send_files failed to open \"/data/src/l\": Too many levels of symbolic links (40)";
    String summary = "rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]";
    assertThat(FailedPaths.sourceMovedOnly(lines(eloop, summary))).isTrue();
    assertThat(FailedPaths.sourceMovedOnly(lines("file has vanished: \"/data/src/gone\"",
        "rsync: [sender] readlink_stat(\"/data/src/was-a-link\") failed: Invalid argument (22)", summary))).isTrue();
    assertThat(FailedPaths.sourceMovedOnly(lines(eloop, "rsync: [sender] send_files failed to open \"/data/src/s\": Permission denied (13)", summary))).isFalse();
    assertThat(FailedPaths.sourceMovedOnly(lines(eloop, "rsync: [receiver] mkstemp \"/mnt/dst/.l.NyQDEv\" failed: No space left on device (28)"))).isFalse();
    assertThat(FailedPaths.sourceMovedOnly(lines(summary))).as("nothing says what failed").isFalse();
  }
}
