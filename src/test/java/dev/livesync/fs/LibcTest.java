package dev.livesync.fs;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibcTest {
  @TempDir Path tmp;

  @Test
  void namesThatAreNotUtf8SurviveWriteListStatRenameUnlink() {
    byte[] gbk = {'g', (byte) 0xb9, (byte) 0xfa, '.', 't', 'x', 't'};
    byte[] file = Bytes.child(Bytes.of(tmp.toString()), gbk);
    Libc.writeFile(file, Bytes.of("hello"), 0640);

    List<byte[]> names = new ArrayList<>();
    Libc.listDir(Bytes.of(tmp.toString()), (name, type) -> names.add(name));
    assertThat(names).hasSize(1);
    assertThat(names.get(0)).isEqualTo(gbk);

    Libc.Stat st = Libc.lstat(file);
    assertThat(st.isRegular()).isTrue();
    assertThat(st.size()).isEqualTo(5);
    assertThat(st.permissions()).isEqualTo(0640);

    byte[] moved = at(Trees.bytes(tmp), "moved");
    Libc.rename(file, moved);
    assertThat(Libc.lstatOrNull(file)).isNull();
    Libc.unlink(moved);
    assertThat(Libc.lstatOrNull(moved)).isNull();
  }

  @Test
  void listDirReportsTypesAndSkipsDots() throws Exception {
    Files.createDirectory(tmp.resolve("d"));
    Files.writeString(tmp.resolve("f"), "x");
    Files.createSymbolicLink(tmp.resolve("l"), tmp.resolve("d"));
    List<String> seen = new ArrayList<>();
    Libc.listDir(Bytes.of(tmp.toString()), (name, type) -> seen.add(new String(name) + ":" + type));
    assertThat(seen).containsExactlyInAnyOrder("d:" + Libc.DT_DIR, "f:" + Libc.DT_REG, "l:" + Libc.DT_LNK);

    List<String> dirsOnly = new ArrayList<>();
    Libc.listDir(Bytes.of(tmp.toString()), true, (name, type) -> dirsOnly.add(new String(name)));
    assertThat(dirsOnly).containsExactly("d");
  }

  @Test
  void listDirOfManyEntriesReadsAllBuffers() throws Exception {
    for (int i = 0; i < 5000; i++) Files.createFile(tmp.resolve("file-with-a-longish-name-" + i));
    int[] count = {0};
    Libc.listDir(Bytes.of(tmp.toString()), (name, type) -> count[0]++);
    assertThat(count[0]).isEqualTo(5000);
  }

  @Test
  void errorsNameThePathAndTheErrno() {
    byte[] missing = at(Trees.bytes(tmp), "no/such/dir");
    assertThatThrownBy(() -> Libc.listDir(missing, (n, t) -> {}))
        .isInstanceOf(NativeException.class)
        .hasMessageContaining(tmp + "/no/such/dir")
        .hasMessageContaining("no such file or directory (ENOENT)");
    assertThatThrownBy(() -> Libc.mkdir(Bytes.of(tmp.toString()), 0755))
        .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
  }

  @Test
  void errnoNamesComeFromTheConstants() {
    assertThat(Errno.name(Errno.ENOENT)).isEqualTo("ENOENT");
    assertThat(Errno.name(Errno.ELOOP)).isEqualTo("ELOOP");
    assertThat(Errno.name(Errno.EPERM)).isEqualTo("EPERM");
    assertThat(Errno.name(999)).isEqualTo("errno 999");
  }

  @Test
  void nulInAPathIsRefused() {
    assertThatThrownBy(() -> Libc.lstat(new byte[] {'a', 0, 'b'}))
        .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
  }

  @Test
  void displayEscapesWhatIsNotPrintableUtf8() {
    assertThat(Bytes.display(new byte[] {'a', (byte) 0xb9, '\n', 'z'})).isEqualTo("a\\xb9\\x0az");
    assertThat(Bytes.display(Bytes.of("备份 file"))).isEqualTo("备份 file");
  }

  /** A listing inside a listing's consumer (the /proc fallback does it) leaves the outer one whole. */
  @Test
  void aListingInsideAListingLeavesTheOuterOneWhole() throws Exception {
    Path outer = Files.createDirectory(tmp.resolve("outer"));
    Path inner = Files.createDirectory(tmp.resolve("inner"));
    for (int i = 0; i < 3000; i++) Files.createFile(outer.resolve("outer-entry-" + i));
    for (int i = 0; i < 3000; i++) Files.createFile(inner.resolve("an-inner-entry-with-a-longer-name-" + i));
    java.util.Set<String> seen = new java.util.HashSet<>();
    int[] innerCount = {0};
    Libc.listDir(Bytes.of(outer.toString()), (name, type) -> {
      seen.add(new String(name));
      if (seen.size() % 500 == 1) Libc.listDir(Bytes.of(inner.toString()), (n, t) -> innerCount[0]++);
    });
    assertThat(seen).hasSize(3000).allMatch(n -> n.startsWith("outer-entry-"));
    assertThat(innerCount[0]).isEqualTo(6 * 3000);
  }
}
