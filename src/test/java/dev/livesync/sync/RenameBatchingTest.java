package dev.livesync.sync;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Libc;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Renames under load, through the whole engine (real inotify, real rsync): to a daemon target they
 * ride in the normal batches (a delete of the old name, a send of the new one), so one rsync carries
 * many of them; to a local target they are real renames (the target keeps its inodes: no data sent
 * again). Either way the target ends equal to the source, bytes included.
 */
class RenameBatchingTest {
  static final int FILES = 120;
  @RegisterExtension final EngineFixture engine = new EngineFixture("ls-rn");
  final byte[] src = engine.src;
  final byte[] dst = engine.dst;

  private void writeFiles() {
    for (int i = 0; i < FILES; i++) Trees.write(at(src, "d" + (i % 3) + "/f" + i), "content of file " + i + " ".repeat(i * 37));
    Trees.write(at(src, "tree/sub/deep/x"), "x");
    Trees.write(at(src, "tree/y"), "y");
  }

  /** Renames every file (some across directories), a directory, and one file onto another's name. */
  private int renameAll() {
    int n = 0;
    for (int i = 0; i < FILES; i++) {
      String to = i % 10 == 0 ? "d" + ((i + 1) % 3) + "/moved" + i : "d" + (i % 3) + "/g" + i;
      Libc.rename(at(src, "d" + (i % 3) + "/f" + i), at(src, to));
      n++;
    }
    Libc.rename(at(src, "tree"), at(src, "tree2"));
    Libc.rename(at(src, "d0/g3"), at(src, "d0/g6")); // replaces an existing file
    return n + 2;
  }

  @Test
  void renamesToADaemonAreBatchedAndConverge() throws Exception {
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var t = new CountingTransport(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults()));
      assertThat(t.canRename()).isFalse();
      writeFiles();
      engine.start(engine.settings().delay(Duration.ofMillis(300)).build(), t);
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
      t.reset();

      int renames = renameAll();
      Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);

      assertThat(t.renames.get()).as("only the directory's is offered to the daemon (too small to be worth a copy, it goes in its batch)").isEqualTo(1);
      // one send per rename before; now a few batches (each send is one rsync, two with --fuzzy)
      assertThat(t.sends.get()).as("sends for %d renames", renames).isLessThan(renames / 4);
      assertThat(t.sentPaths.get()).isGreaterThanOrEqualTo(2 * FILES);
    }
  }

  @Test
  void renamesToALocalTargetAreRenamesInPlace() throws Exception {
    var t = new CountingTransport(RsyncTransport.open(src, Trees.path(dst).toString(), TargetOptions.defaults()));
    assertThat(t.canRename()).isTrue();
    writeFiles();
    engine.start(engine.settings().delay(Duration.ofMillis(300)).build(), t);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    long inode = Libc.lstatOrNull(at(dst, "d1/f1")).ino();
    t.reset();

    int renames = renameAll();
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);

    assertThat(t.renames.get()).isEqualTo(renames);
    assertThat(Libc.lstatOrNull(at(dst, "d1/g1")).ino()).as("renamed in place, not sent again").isEqualTo(inode);
    assertThat(t.sends.get()).as("reconciling sends for %d renames", renames).isLessThan(renames / 4);
  }
}
