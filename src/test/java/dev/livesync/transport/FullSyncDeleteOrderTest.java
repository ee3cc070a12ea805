package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A full sync that deletes (whole, or a part of one) deletes after it has copied ({@code
 * --delete-delay}): deleted first, as rsync does by default, the freed inodes of a directory renamed
 * while livesync was stopped made every file of its new name slow to create on ext4 without a
 * journal (docs/benchmarks.md). A full sync without delete deletes nothing.
 */
class FullSyncDeleteOrderTest {
  final byte[] src = Trees.tempDir("delorder-src");
  final byte[] dst = Trees.tempDir("delorder-dst");

  @AfterEach
  void cleanUp() {
    Trees.delete(src);
    Trees.delete(dst);
  }

  private RsyncArgs args() {
    Target target = Target.parse(Bytes.latin1(dst));
    TargetOptions options = TargetOptions.builder().build();
    return new RsyncArgs(src, target, options, TargetKind.of(target, options, src));
  }

  @Test
  void deletingFullSyncsDeleteAfterTheTransfer() {
    RsyncArgs a = args();
    FullSyncShard part = new FullSyncShard(Bytes.of("big"), List.of(), 10);
    FullSyncShard rest = new FullSyncShard(Bytes.EMPTY, List.of(Bytes.of("big")), 10);
    for (List<String> argv : List.of(a.fullSync(true, false), a.fullSync(true, true), a.fullSyncPart(part, true), a.fullSyncPart(rest, true),
        a.treeOf("big"))) {
      assertThat(argv).contains("--delete", "--delete-delay").doesNotContain("--delete-during", "--delete-before");
    }
    for (List<String> argv : List.of(a.fullSync(false, false), a.fullSyncPart(part, false), a.fullSyncPart(rest, false))) {
      assertThat(argv).noneMatch(s -> s.startsWith("--del"));
    }
  }
}
