package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.livesync.fs.Bytes;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A batch's paths go to rsync as its own arguments where they can (rsync reads a --files-from list
 * one byte per system call), on its stdin where they cannot: the same transfer either way, a
 * directory sent as itself without what it holds unless the send is recursive.
 */
class PathArgsTest {
  final byte[] src = Trees.tempDir("path-args-src");
  final byte[] dst = Trees.tempDir("path-args-dst");
  final Logger logger = (Logger) LoggerFactory.getLogger(RsyncTransport.class);
  final Level level = logger.getLevel();

  @AfterEach
  void cleanUp() {
    logger.setLevel(level);
    Trees.delete(src);
    Trees.delete(dst);
  }

  /** The argv of each rsync run that {@code send} makes, as logged. */
  private List<String> runs(List<byte[]> paths, boolean recursive) throws Exception {
    logger.setLevel(Level.DEBUG);
    try (var logs = new LogCapture(); var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())) {
      assertThat(t.send(paths, recursive).outcome()).isEqualTo(Outcome.OK);
      List<String> argv = new ArrayList<>();
      for (String l : logs.lines()) if (l.startsWith("DEBUG ") && l.contains("[rsync, ")) argv.add(l);
      return argv;
    }
  }

  @Test
  void namesGoAsArgumentsAndADirectoryGoesAsItself() throws Exception {
    Trees.write(at(src, "d/inside.txt"), "not sent with d alone");
    Trees.write(at(src, "new\nline.txt"), "a newline in the name");
    List<String> argv = runs(List.of(Bytes.of("d"), Bytes.of("new\nline.txt")), false);
    assertThat(argv).hasSize(1);
    assertThat(argv.get(0)).doesNotContain("--files-from").contains("--dirs").contains("/././d,");
    assertThat(Trees.exists(at(dst, "d"))).isTrue();
    assertThat(Trees.exists(at(dst, "d/inside.txt"))).as("d alone, not what it holds").isFalse();
    assertThat(Trees.read(at(dst, "new\nline.txt"))).isEqualTo(Trees.read(at(src, "new\nline.txt")));

    // a UTF-8 name goes as an argument where the JVM writes command lines in UTF-8 (a UTF-8 locale),
    // else on stdin (under systemd without LANG the JVM's command lines are ASCII)
    Trees.write(at(src, "中文/文件.txt"), "UTF-8 names");
    boolean utf8 = "UTF-8".equals(System.getProperty("sun.jnu.encoding"));
    assertThat(runs(List.of(Bytes.of("中文/文件.txt")), false).get(0).contains("--files-from=-")).isEqualTo(!utf8);
    assertThat(Trees.read(at(dst, "中文/文件.txt"))).isEqualTo(Trees.read(at(src, "中文/文件.txt")));

    // the source directory is among a path's implied parents, as from --files-from: its mtime is set
    // back (a deletion at the target's top level changed it there)
    Trees.write(at(dst, "made-at-the-target"), "x");
    Trees.delete(at(dst, "made-at-the-target"));
    runs(List.of(Bytes.of("new\nline.txt")), false);
    assertThat(java.nio.file.Files.getLastModifiedTime(Trees.path(dst))).isEqualTo(java.nio.file.Files.getLastModifiedTime(Trees.path(src)));

    assertThat(runs(List.of(Bytes.of("d")), true).get(0)).doesNotContain("--files-from").doesNotContain("--dirs");
    assertThat(Trees.exists(at(dst, "d/inside.txt"))).as("recursive: what d holds too").isTrue();
  }

  @Test
  void whatCannotGoAsArgumentsGoesOnStdinAndTheRootGoesAloneAndTooManyGoInSeveralRuns() throws Exception {
    byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9}; // "café" in Latin-1: not UTF-8
    Trees.write(Bytes.child(src, latin1), "not UTF-8");
    List<String> argv = runs(List.of(latin1), false);
    assertThat(argv.get(0)).contains("--files-from=-");
    assertThat(Trees.read(Bytes.child(dst, latin1))).isEqualTo(Trees.read(Bytes.child(src, latin1)));

    // '.' goes alone, as an argument, without its entries (RootAloneTest: one carried along could land after a newer send of it)
    Trees.write(at(src, "top.txt"), "one of the root's entries");
    Trees.write(at(src, "sub/below.txt"), "below one of them");
    assertThat(runs(List.of(Bytes.of(".")), false).get(0)).doesNotContain("--files-from");
    assertThat(Trees.exists(at(dst, "top.txt"))).isFalse();
    assertThat(Trees.exists(at(dst, "sub/below.txt"))).isFalse();

    List<byte[]> many = new ArrayList<>();
    StringBuilder longName = new StringBuilder();
    for (int i = 0; i < 200; i++) longName.append('x');
    for (int i = 0; i < RsyncArgs.ARGV_BUDGET / 200 + 1; i++) many.add(Bytes.of(longName + "-" + i));
    for (byte[] p : many.subList(0, 3)) Trees.write(Bytes.child(src, p), "one of many");
    List<String> split = runs(many, false);
    assertThat(split).as("more than the budget: two runs, each with its paths as arguments").hasSize(2);
    assertThat(split).noneMatch(a -> a.contains("--files-from"));
    assertThat(split.get(0)).contains("/././" + longName + "-0,");
    assertThat(split.get(1)).contains("/././" + longName + "-" + (many.size() - 1) + ",");
    for (byte[] p : many.subList(0, 3)) assertThat(Trees.exists(Bytes.child(dst, p))).isTrue();
  }

  /**
   * The mass-deletion guard's dry run of a batch takes its paths the same way: as arguments, or on
   * stdin where a name cannot go as one; either way it lists what the batch would delete.
   */
  @Test
  void aBatchsDryRunTakesItsPathsAsTheBatchDoes() throws Exception {
    byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9}; // "café" in Latin-1: not UTF-8
    Trees.write(at(dst, "gone/below"), "deleted with gone");
    Trees.write(Bytes.child(dst, latin1), "not UTF-8, gone from the source");
    Trees.write(at(src, "kept"), "k");
    logger.setLevel(Level.DEBUG);
    try (var logs = new LogCapture(); var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())) {
      assertThat(t.sendDeletions(List.of(Bytes.of("gone"), Bytes.of("kept")), false).deletions().stream().map(Bytes::latin1).sorted().toList())
          .containsExactly("gone", "gone/below");
      assertThat(t.sendDeletions(List.of(latin1), false).deletions()).hasSize(1);
      List<String> argv = logs.lines().stream().filter(l -> l.startsWith("DEBUG ") && l.contains("[rsync, ")).toList();
      assertThat(argv).hasSize(2);
      assertThat(argv.get(0)).contains("-n,").doesNotContain("--files-from").contains("/././gone,");
      assertThat(argv.get(1)).contains("-n,").contains("--files-from=-");
    }
    assertThat(Trees.exists(at(dst, "gone/below"))).as("a dry run deletes nothing").isTrue();

    // more paths than one command line holds: two dry runs, the deletions of both
    List<byte[]> many = new ArrayList<>();
    for (int i = 0; i < RsyncArgs.ARGV_BUDGET / 200 + 1; i++) many.add(Bytes.of("x".repeat(190) + "-" + i));
    Trees.write(Bytes.child(dst, many.getFirst()), "gone from the source, first run");
    Trees.write(Bytes.child(dst, many.getLast()), "gone from the source, second run");
    try (var logs = new LogCapture(); var t = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())) {
      assertThat(t.sendDeletions(many, false).deletions().stream().map(Bytes::latin1).toList())
          .containsExactly(Bytes.latin1(many.getFirst()), Bytes.latin1(many.getLast()));
      assertThat(logs.lines().stream().filter(l -> l.startsWith("DEBUG ") && l.contains("[rsync, ")))
          .hasSize(2).allMatch(l -> l.contains("-n,") && !l.contains("--files-from"));
    }
  }
}
