package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.Transport.Move;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RenameChainsTest {
  @Test
  void renamesThatFollowNoOtherStayAsTheyAre() {
    List<Move> moves = moves("a b", "c d/e", "x/y x/z");
    assertThat(RenameChains.copies(moves)).isSameAs(moves);
  }

  @Test
  void aDirectoryRenamedTwiceIsCopiedFromItsFirstName() {
    assertThat(show(RenameChains.copies(moves("big tmp", "tmp archive/big")))).containsExactly("big archive/big");
    assertThat(show(RenameChains.copies(moves("a b", "b c", "c d", "x y")))).containsExactly("a d", "x y");
  }

  @Test
  void aRenameBelowARenamedDirectoryComesFromWhatTheTargetHoldsThere() {
    // the directory above renamed first: its inside's old copy is under the old name
    assertThat(show(RenameChains.copies(moves("a b", "b/x b/y")))).containsExactly("a b");
    // and a directory moved out of one renamed before it: copied before the old name is deleted
    assertThat(show(RenameChains.copies(moves("a b", "b/x out")))).containsExactly("a/x out", "a b");
  }

  @Test
  void aRenameInsideADirectoryRenamedAfterItEndsUnderItsNewName() {
    // made with the directory above it, which goes first (its parent must exist for the copy)
    assertThat(show(RenameChains.copies(moves("a/x a/y", "a c")))).containsExactly("a c");
    assertThat(show(RenameChains.copies(moves("a/x out/y", "a c")))).containsExactly("a/x out/y", "a c");
  }

  @Test
  void aNameUsedAgainAfterItsDirectoryMovedOnIsANewDirectory() {
    // b moved on to c; a later rename of b/x is of a new b, held at the target under its own name
    assertThat(show(RenameChains.copies(moves("a b", "b c", "b/x b/y")))).containsExactly("a c", "b/x b/y");
  }

  @Test
  void aDirectoryRenamedBackToItsOldNameIsNoCopy() {
    assertThat(show(RenameChains.copies(moves("a b", "b a", "x y")))).containsExactly("x y");
  }

  @Test
  void namesThatOnlyShareAPrefixAreNotAbove() {
    List<Move> moves = moves("a b", "ab/x ab/y");
    assertThat(RenameChains.copies(moves)).isSameAs(moves);
  }

  private static List<Move> moves(String... pairs) {
    List<Move> out = new ArrayList<>();
    for (String p : pairs) {
      String[] s = p.split(" ");
      out.add(new Move(Bytes.of(s[0]), Bytes.of(s[1])));
    }
    return out;
  }

  private static List<String> show(List<Move> moves) {
    return moves.stream().map(m -> Bytes.display(m.from()) + " " + Bytes.display(m.to())).toList();
  }
}
