package dev.livesync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's convergence check: a target with versions kept ({@code --versions}) still equals its source. */
class TreeSnapshotTest {
  @TempDir Path tmp;

  @Test
  void whatLivesyncKeepsOnTheTargetIsNotPartOfTheMirror() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/d"));
    Path dst = Files.createDirectories(tmp.resolve("dst/d"));
    for (Path d : new Path[] {src, dst}) {
      Files.writeString(d.resolve("f"), "same");
      Files.setLastModifiedTime(d.resolve("f"), FileTime.fromMillis(1_000_000_000_000L));
    }
    Path kept = Files.createDirectories(tmp.resolve("dst/.livesync/versions/2026-12-02T063000Z/d"));
    Files.writeString(kept.resolve("f"), "the old one");
    for (Path d : new Path[] {src, dst}) Files.setLastModifiedTime(d, FileTime.fromMillis(1_000_000_000_000L));
    assertThat(TreeSnapshot.of(tmp.resolve("dst"))).isEqualTo(TreeSnapshot.of(tmp.resolve("src")));
    // anything else the source lacks still counts
    Files.writeString(tmp.resolve("dst/.livesyncx"), "not ours");
    assertThat(TreeSnapshot.of(tmp.resolve("dst"))).isNotEqualTo(TreeSnapshot.of(tmp.resolve("src")));
  }
}
