package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rename script as the rename shell runs it ({@code ( script ) </dev/null} on sh's stdin), here
 * without ssh, with an {@code mv} on the PATH that counts its calls before doing the move: with perl
 * on the host every move is one rename(2) in one perl, without it one {@code mv} each; hostile names,
 * order, missing old names and kept new names alike either way.
 */
class RenameScriptTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "perl: {0}")
  @ValueSource(booleans = {true, false})
  void everyMoveInOrderWithHostileNamesAndOnlyFromAnExistingOldName(boolean perl) throws Exception {
    byte[] dir = Trees.bytes(Files.createDirectories(tmp.resolve("target dir's")));
    for (String d : List.of("a", "b", "c")) Trees.mkdirs(at(dir, d));
    List<byte[]> names = Trees.hostileNames();
    List<Transport.Move> moves = new ArrayList<>();
    for (byte[] n : names) {
      Trees.write(Bytes.concat(at(dir, "a/"), n), n);
      moves.add(new Transport.Move(Bytes.concat(Bytes.of("a/"), n), Bytes.concat(Bytes.of("b/"), n)));
      moves.add(new Transport.Move(Bytes.concat(Bytes.of("b/"), n), Bytes.concat(Bytes.of("c/"), n))); // needs the one before
    }
    Trees.symlink(at(dir, "dangling"), Bytes.of("nowhere"));
    moves.add(new Transport.Move(Bytes.of("dangling"), Bytes.of("dangling2")));

    assertThat(run(dir, moves, false, perl)).isZero();
    for (byte[] n : names) {
      assertThat(Trees.exists(Bytes.concat(at(dir, "a/"), n))).as(Bytes.display(n)).isFalse();
      assertThat(Trees.exists(Bytes.concat(at(dir, "b/"), n))).as(Bytes.display(n)).isFalse();
      assertThat(Trees.read(Bytes.concat(at(dir, "c/"), n))).as(Bytes.display(n)).isEqualTo(n);
    }
    assertThat(Files.isSymbolicLink(tmp.resolve("target dir's/dangling2"))).as("a dangling symlink is a name too").isTrue();
    assertThat(mvCalls()).as("mv processes").isEqualTo(perl ? 0 : moves.size());

    // a missing old name fails that one only (91); the others still move
    Trees.write(at(dir, "p"), "p");
    assertThat(run(dir, List.of(new Transport.Move(Bytes.of("gone"), Bytes.of("x")), new Transport.Move(Bytes.of("p"), Bytes.of("q"))), false, perl)).isEqualTo(91);
    assertThat(Trees.read(at(dir, "q"))).isEqualTo(Bytes.of("p"));
    // a move rename(2) refuses (a directory over a non-empty one) fails, through mv with perl too
    Trees.write(at(dir, "full/x"), "x");
    Trees.mkdirs(at(dir, "dir"));
    assertThat(run(dir, List.of(new Transport.Move(Bytes.of("dir"), Bytes.of("full"))), false, perl)).isEqualTo(91);
    assertThat(Trees.exists(at(dir, "dir"))).isTrue();
    // no target directory: 90
    assertThat(run(Bytes.of(tmp.resolve("missing").toString()), List.of(new Transport.Move(Bytes.of("q"), Bytes.of("r"))), false, perl)).isEqualTo(90);
  }

  @ParameterizedTest(name = "perl: {0}")
  @ValueSource(booleans = {true, false})
  void underVersionsAnExistingNewNameIsKept(boolean perl) throws Exception {
    byte[] dir = Trees.bytes(Files.createDirectories(tmp.resolve("t")));
    Trees.write(at(dir, "from"), "new");
    Trees.write(at(dir, "to"), "old");
    Trees.write(at(dir, "free"), "free");
    assertThat(run(dir, List.of(new Transport.Move(Bytes.of("from"), Bytes.of("to")), new Transport.Move(Bytes.of("free"), Bytes.of("moved"))), true, perl)).isEqualTo(91);
    assertThat(Trees.read(at(dir, "to"))).isEqualTo(Bytes.of("old"));
    assertThat(Trees.read(at(dir, "from"))).isEqualTo(Bytes.of("new"));
    assertThat(Trees.read(at(dir, "moved"))).isEqualTo(Bytes.of("free"));
  }

  /** Runs the script as the rename shell does, with the counting mv first on the PATH; its exit status. */
  private int run(byte[] dir, List<Transport.Move> moves, boolean keepExisting, boolean perl) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path mv = bin.resolve("mv");
    if (!Files.exists(mv)) {
      Files.writeString(mv, "#!/bin/sh\necho x >> '" + tmp.resolve("mv-calls") + "'\nexec /bin/mv \"$@\"\n");
      mv.toFile().setExecutable(true);
    }
    var in = new ByteArrayOutputStream();
    in.writeBytes(Bytes.of("(\n"));
    in.writeBytes(RenameScript.of(dir, moves, keepExisting, perl));
    in.writeBytes(Bytes.of("\n) </dev/null\n"));
    ProcessBuilder pb = new ProcessBuilder("sh").redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    Process p = pb.start();
    try (var stdin = p.getOutputStream()) {
      stdin.write(in.toByteArray());
    }
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private long mvCalls() throws Exception {
    Path calls = tmp.resolve("mv-calls");
    return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
  }
}
