package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The files a clean stop leaves: records read back once and gone, the listing read back whole or not at all. */
class CleanStopTest {
  private final byte[] src = Trees.tempDir("cleanstop-src");
  private final Path state = Trees.path(Trees.tempDir("cleanstop-state"));

  @AfterEach
  void tearDown() {
    Trees.delete(src);
    Trees.delete(Trees.bytes(state));
  }

  @Test
  void aRecordIsReadOnceThenGone() throws Exception {
    Path f = state.resolve("target-0-x" + CleanStop.RECORD);
    var fp = Map.of("excludes", "*.tmp\ncache/", "target", "rsync://h/m=x");
    CleanStop.write(f, new CleanStop.Record(1_796_000_000_000L, "id-1", fp));
    CleanStop.Record r = CleanStop.consume(f);
    assertThat(r.stoppedMillis()).isEqualTo(1_796_000_000_000L);
    assertThat(r.index()).isEqualTo("id-1");
    assertThat(r.fingerprint()).isEqualTo(fp);
    assertThat(Files.exists(f)).isFalse();
    assertThat(CleanStop.consume(f)).as("consumed").isNull();
  }

  @Test
  void aTornRecordIsUnreadableAndGoesToo() throws Exception {
    Path f = state.resolve("target-0-x" + CleanStop.RECORD);
    Files.writeString(f, "stopped=17960");
    assertThat(CleanStop.consume(f)).isSameAs(CleanStop.UNREADABLE);
    assertThat(Files.exists(f)).isFalse();
  }

  @Test
  void theListingHasEveryEntryButTheExcludedOnesAndItsDirectoriesInodes() throws Exception {
    Trees.write(at(src, "a/b/f"), "1");
    Trees.write(at(src, "a/g.tmp"), "2");
    Trees.write(at(src, "cache/x"), "3");
    Trees.symlink(at(src, "link"), Bytes.of("a/b/f"));
    Path index = state.resolve(CleanStop.INDEX);
    long n = CleanStop.writeIndex(index, "id-2", Bytes.concat(src, Bytes.of("/")), new Excludes(List.of("*.tmp", "cache/")));
    List<String> seen = new ArrayList<>();
    assertThat(CleanStop.readIndex(index, "id-2", (p, dir, ino) -> seen.add(Bytes.latin1(p) + (dir ? "/" : "")))).isTrue();
    assertThat(seen).containsExactlyInAnyOrder("a/", "a/b/", "a/b/f", "link");
    assertThat(n).isEqualTo(4);
    assertThat(CleanStop.readIndex(index, "another stop's", (p, dir, ino) -> {})).as("another id").isFalse();
    Map<String, Long> inodes = new java.util.HashMap<>();
    CleanStop.readIndex(index, "id-2", (p, dir, ino) -> inodes.put(Bytes.latin1(p), ino));
    for (String p : List.of("a", "a/b", "a/b/f", "link")) {
      Object real = Files.getAttribute(Trees.path(at(src, p)), "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
      assertThat(inodes.get(p)).as("the inode number of " + p).isEqualTo(((Number) real).longValue());
    }
  }

  @Test
  void aListingOfTheVersionBeforeIsReadWithoutTheInodesOfFiles() throws Exception {
    Path index = state.resolve(CleanStop.INDEX);
    var raw = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.DeflaterOutputStream(raw)) {
      out.write("livesync clean-stop index 1\nid-4\nd000000000000002aa\0fa/f\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    Files.write(index, raw.toByteArray());
    List<String> seen = new ArrayList<>();
    assertThat(CleanStop.readIndex(index, "id-4", (p, dir, ino) -> seen.add(Bytes.latin1(p) + (dir ? "/ " : " ") + ino))).isTrue();
    assertThat(seen).containsExactly("a/ 42", "a/f -1");
  }

  @Test
  void aTornListingIsNotRead() throws Exception {
    for (int i = 0; i < 200; i++) Trees.write(at(src, "d" + i % 7 + "/f" + i), "x");
    Path index = state.resolve(CleanStop.INDEX);
    CleanStop.writeIndex(index, "id-3", Bytes.concat(src, Bytes.of("/")), Excludes.NONE);
    byte[] whole = Files.readAllBytes(index);
    Files.write(index, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThat(CleanStop.readIndex(index, "id-3", (p, dir, ino) -> {})).isFalse();
    Files.delete(index);
    assertThat(CleanStop.readIndex(index, "id-3", (p, dir, ino) -> {})).as("missing").isFalse();
  }
}
