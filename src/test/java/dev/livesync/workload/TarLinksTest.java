package dev.livesync.workload;

import static dev.livesync.testing.Trees.at;

import dev.livesync.testing.Trees;
import dev.livesync.workload.Workload.Kind;
import org.junit.jupiter.api.Test;

/**
 * GNU tar extracts a symlink whose target is absolute or holds ".." late: an empty placeholder file
 * first, the symlink in its place after the whole archive. Nothing is ever open for writing at the
 * end, so nothing may wait for a close_write that never comes (max_hold is set far above the bound).
 */
class TarLinksTest {
  @Test
  void tarsDelayedSymlinksAndHardLinksSyscallBySyscall() throws Exception {
    try (var w = Workload.of(Kind.LOCAL).start()) {
      Trees.mkdirs(w.src("data"));
      Trees.mkdirs(w.src("links"));
      for (int i = 0; i < 100; i++) {
        Trees.write(w.src("data/f" + i), "file " + i);
        TarPattern.placeholder(w.src("links/s" + i));
        TarPattern.placeholder(w.src("links/h" + i));
      }
      Thread.sleep(500); // the rest of the archive: the placeholders have long been shipped
      for (int i = 0; i < 100; i++) {
        TarPattern.replaceBySymlink(w.src("links/s" + i), dev.livesync.fs.Bytes.of("../data/f" + i), 1_000_000_000L + i);
        TarPattern.replaceByHardLink(w.src("links/h" + i), w.src("data/f" + i));
      }
      double s = w.awaitEqual(Trees.Ignore.DIR_MTIMES);
      System.out.printf("tar's delayed links (syscalls): target equal %.2f s after the last symlink%n", s);
    }
  }

  @Test
  void realTarOfAnArchiveWith2000SymlinksAndHardLinks() throws Exception {
    try (var w = Workload.of(Kind.LOCAL)) {
      byte[] tree = w.work("tree");
      for (int i = 0; i < 200; i++) Trees.write(at(tree, "pkg/data/d" + i % 10 + "/f" + i), "content " + i);
      Trees.mkdirs(at(tree, "pkg/links"));
      for (int i = 0; i < 2000; i++) {
        int f = i % 200;
        dev.livesync.fs.Libc.symlink(dev.livesync.fs.Bytes.of(i % 2 == 0 ? "../data/d" + f % 10 + "/f" + f : "/usr/share/doc/f" + f), at(tree, "pkg/links/l" + i));
      }
      for (int i = 0; i < 200; i += 2) Workload.run(tree, "ln", "pkg/data/d" + i % 10 + "/f" + i, "pkg/data/hard" + i);
      Workload.run(w.work, "tar", "cf", "a.tar", "-C", dev.livesync.fs.Bytes.latin1(tree), "pkg");
      w.start();
      Workload.run(w.src, "tar", "xf", dev.livesync.fs.Bytes.latin1(w.work("a.tar")));
      double s = w.awaitEqual();
      System.out.printf("tar xf, 2,000 symlinks and 100 hard links: target equal %.2f s after tar ended%n", s);
    }
  }
}
