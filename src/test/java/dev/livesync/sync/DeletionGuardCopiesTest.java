package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mass-deletion guard against files written anew under other names and their originals deleted
 * — ransomware's encrypted copy written, then the original deleted, file by file — with the real rsync
 * on a local directory, driven batch by batch as a runner drives it, on a fake clock. A copy is no
 * rename: it gives back nothing of what its original's deletion takes, whether it reached the target
 * in the same batch or before.
 */
class DeletionGuardCopiesTest {
  static final int FILES = 300;
  final GuardedLocal g = new GuardedLocal("guard-copies");
  final byte[] src = g.src, dst = g.dst;

  @AfterEach
  void cleanUp() {
    g.close();
  }

  /** 3 directories of 100 files: 303 entries with the directories. */
  private List<String> tree() {
    List<String> files = new ArrayList<>();
    for (int d = 1; d <= 3; d++) {
      for (int i = 1; i <= FILES / 3; i++) {
        String f = "d" + d + "/f" + i;
        Trees.write(at(src, f), i + "\n");
        files.add(f);
      }
    }
    return files;
  }

  /** For each file, as {@code echo ENC > $f.locked; rm $f} does. */
  private void encrypt(List<String> files) {
    for (String f : files) {
      Trees.write(at(src, f + ".locked"), "ENC\n");
      Trees.delete(at(src, f));
    }
  }

  /** The batches a runner cuts of {@code names}, {@code per} names a batch. */
  private static List<List<byte[]>> batches(List<String> names, int per) {
    List<List<byte[]>> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i += per) out.add(GuardedLocal.paths(names.subList(i, Math.min(names.size(), i + per)).toArray(String[]::new)));
    return out;
  }

  /** Both names of each file, the copy first, as the events come. */
  private static List<String> bothNames(List<String> files) {
    List<String> out = new ArrayList<>();
    for (String f : files) {
      out.add(f + ".locked");
      out.add(f);
    }
    return out;
  }

  private void assertOriginalsKept(List<String> files) {
    for (String f : files) assertThat(Trees.exists(at(dst, f))).as("%s at the target", f).isTrue();
    for (String f : files) assertThat(Trees.exists(at(dst, f + ".locked"))).as("the copy %s.locked at the target: creations flow", f).isTrue();
  }

  /**
   * Each copy goes in the same batch as its original's deletion: the batch makes as many entries as it
   * deletes. They were counted as making up for them, so nothing was ever held, at any limit (at the
   * default, 50 %, the copies are half the target, so its share was never over it either).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {20, 50})
  void originalsDeletedEachRightAfterItsCopyWasWrittenAreHeld(int limit) throws Exception {
    List<String> files = tree();
    var guard = g.guard(g.local(), limit);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    encrypt(files);
    for (List<byte[]> batch : batches(bothNames(files), 200)) guard.send(batch, false);

    assertThat(guard.held()).as("deletions held").isEqualTo(FILES);
    assertOriginalsKept(files);
  }

  /**
   * Every copy written and sent first, then every original deleted: the deletions were judged against
   * a target that the copies had doubled, and half of it is not over 50 %. The share is of what the
   * target held before the minute's changes.
   */
  @Test
  void originalsDeletedAfterAllTheCopiesReachedTheTargetAreJudgedAgainstTheTargetBeforeThem() throws Exception {
    List<String> files = tree();
    var guard = g.guard(g.local(), 50);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    List<String> copies = new ArrayList<>();
    for (String f : files) {
      Trees.write(at(src, f + ".locked"), "ENC\n");
      copies.add(f + ".locked");
    }
    for (List<byte[]> batch : batches(copies, 100)) guard.send(batch, false);
    g.clock.advanceMillis(5_000);
    for (String f : files) Trees.delete(at(src, f));
    for (List<byte[]> batch : batches(files, 100)) guard.send(batch, false);

    assertThat(guard.held()).as("deletions held").isEqualTo(FILES);
    assertOriginalsKept(files);
  }

  /**
   * Names made within the minute and deleted again (a spool, temporary files, a build's objects) take
   * nothing from what the target held: 300 files written beside a tree of 150, sent, then deleted.
   */
  @Test
  void filesMadeAndDeletedWithinTheMinuteAreNoLoss() throws Exception {
    List<String> all = tree(), files = all.subList(0, 150);
    for (String f : all.subList(150, FILES)) Trees.delete(at(src, f));
    var guard = g.guard(g.local(), 50);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    List<String> spool = new ArrayList<>();
    g.names.made(Bytes.of("spool"));
    for (int i = 0; i < 300; i++) {
      Trees.write(at(src, "spool/m" + i), "message " + i);
      g.names.made(Bytes.of("spool/m" + i)); // as the source's CREATE events tell it
      spool.add("spool/m" + i);
    }
    for (List<byte[]> batch : batches(spool, 100)) guard.send(batch, false);
    g.clock.advanceMillis(20_000);
    for (String m : spool) Trees.delete(at(src, m));
    for (List<byte[]> batch : batches(spool, 100)) guard.send(batch, false);

    assertThat(guard.held()).as("deletions held").isZero();
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    assertThat(files).allSatisfy(f -> assertThat(Trees.exists(at(dst, f))).isTrue());
  }
}
