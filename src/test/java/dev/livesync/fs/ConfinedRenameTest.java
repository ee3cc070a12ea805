package dev.livesync.fs;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A rename that others' symlinks inside the root cannot lead out of it, and that never replaces a name. */
class ConfinedRenameTest {
  byte[] root, outside;

  @BeforeEach
  void trees() {
    root = Trees.tempDir("ls-cr-root");
    outside = Trees.tempDir("ls-cr-outside");
    Trees.write(at(root, "a/big/f"), "data");
    Trees.mkdirs(at(root, "b"));
    Trees.write(at(outside, "secret/f"), "not the module's");
  }

  @AfterEach
  void cleanUp() {
    Trees.delete(root);
    Trees.delete(outside);
  }

  @Test
  void movesADirectoryBetweenParentsKeepingItsFiles() {
    long[] ino = new long[1];
    ChangeTimes.ctimeNanos(at(root, "a/big/f"), ino);
    ConfinedRename.rename(root, Bytes.of("a/big"), Bytes.of("b/big-2026"));
    assertThat(Trees.exists(at(root, "a/big"))).isFalse();
    long[] after = new long[1];
    ChangeTimes.ctimeNanos(at(root, "b/big-2026/f"), after);
    assertThat(after[0]).as("the same file, not a copy").isEqualTo(ino[0]);
  }

  @Test
  void aSymlinkOnEitherPathStopsItInsteadOfLeadingOut() {
    Trees.symlink(at(root, "out"), outside);
    assertThatThrownBy(() -> ConfinedRename.rename(root, Bytes.of("out/secret"), Bytes.of("b/stolen")))
        .isInstanceOf(NativeException.class);
    assertThatThrownBy(() -> ConfinedRename.rename(root, Bytes.of("a/big"), Bytes.of("out/planted")))
        .isInstanceOf(NativeException.class);
    // the directory renamed being a symlink itself: not followed either
    assertThatThrownBy(() -> ConfinedRename.rename(root, Bytes.of("out"), Bytes.of("b/out2"))).isInstanceOf(NativeException.class);
    assertThat(Trees.exists(at(outside, "secret/f"))).isTrue();
    assertThat(Trees.exists(at(outside, "planted"))).isFalse();
    assertThat(Trees.exists(at(root, "a/big/f"))).isTrue();
  }

  @Test
  void anExistingNewNameIsNeverReplaced() {
    Trees.write(at(root, "b/big/kept"), "already there");
    assertThatThrownBy(() -> ConfinedRename.rename(root, Bytes.of("a/big"), Bytes.of("b/big")))
        .isInstanceOf(NativeException.class).hasMessageContaining("b/big");
    assertThat(Trees.read(at(root, "b/big/kept"))).isEqualTo(Bytes.of("already there"));
    assertThat(Trees.exists(at(root, "a/big/f"))).isTrue();
  }

  @Test
  void dotsAndAbsolutePathsAreRefused() {
    for (String bad : new String[] {"../x", "a/../../x", "/etc", "a//big", "a/./big", "a/big/"}) {
      assertThatThrownBy(() -> ConfinedRename.rename(root, Bytes.of(bad), Bytes.of("b/x"))).as(bad).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ConfinedRename.rename(root, Bytes.of("a/big"), Bytes.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Trees.exists(at(root, "a/big/f"))).isTrue();
  }
}
