package dev.livesync.workload;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.workload.Workload.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tools that unpack or copy whole trees into a watched source, each run for real (Debian packages:
 * tar, cpio, unzip, git, rsync, coreutils); after each the target equals the source — bytes,
 * symlinks, modes, mtimes, owners — within {@link dev.livesync.testing.Await#CONVERGE} (max_hold far above it, so
 * nothing may wait for a close that never comes). Time to converge: scripts/bench-tools.
 * Hard links arrive as separate copies (rsync runs without -H; docs/engine.md).
 */
class ArchiveToolsTest {
  /** For the ssh kind, which runs a few representative tools (the transport is the same rsync). */
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tarExtractsSymlinksAndHardLinksLate(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      Workload.sampleTree(w.work("tree"));
      Workload.run(w.work, "tar", "cf", "a.tar", "tree");
      w.start();
      Workload.run(w.src, "tar", "xf", Bytes.latin1(w.work("a.tar")));
      w.converged("tar-x");
      Workload.run(w.src, "tar", "xf", Bytes.latin1(w.work("a.tar")), "--recursive-unlink"); // again, over itself
      w.converged("tar-x-over");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void cpio(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      Workload.sampleTree(w.work("tree"));
      Workload.run(w.work("tree"), "sh", "-c", "find . | cpio -o --quiet -H newc > ../a.cpio");
      w.start();
      w.sh("mkdir unpacked && cd unpacked && cpio -idm --quiet < \"$0\"", Bytes.latin1(w.work("a.cpio")));
      w.converged("cpio-i");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void unzip(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      Workload.sampleTree(w.work("tree"));
      Workload.run(w.work, "zip", "-qry", "a.zip", "tree");
      w.start();
      Workload.run(w.src, "unzip", "-q", Bytes.latin1(w.work("a.zip")));
      w.converged("unzip");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void gitCloneCheckoutResetGc(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      byte[] repo = w.work("repo");
      Workload.sampleTree(repo);
      Workload.run(repo, "git", "init", "-q", "-b", "main");
      Workload.run(repo, "git", "add", "-A");
      Workload.run(repo, "git", "commit", "-qm", "one");
      Workload.run(repo, "git", "checkout", "-qb", "other");
      Workload.run(repo, "sh", "-ec", "for i in 1 2 3 4 5 6 7 8; do echo other $i >> d$((i % 4))/sub0/f$i.dat; done;"
          + " git rm -rq d3/sub2; mkdir -p new/deep; echo new > new/deep/n; git mv d1 d1-moved; ln -s ../bin links/bin-up;"
          + " git add -A; git commit -qm other");
      Workload.run(repo, "git", "checkout", "-q", "main");
      for (int i = 0; i < 30; i++) Workload.run(repo, "sh", "-ec", "echo main " + i + " >> bin/run.sh; git commit -qam m" + i);
      w.start();
      Workload.run(w.src, "git", "clone", "-q", "--no-local", Bytes.latin1(repo), "clone");
      w.converged("git-clone");
      byte[] clone = w.src("clone");
      Workload.run(clone, "git", "checkout", "-q", "other");
      w.converged("git-checkout");
      Workload.run(clone, "sh", "-ec", "echo local edit >> d0/sub0/f0.dat; rm -rf new; echo untracked > bin/run.sh");
      Workload.run(clone, "git", "reset", "-q", "--hard", "origin/main");
      w.converged("git-reset-hard");
      Workload.run(clone, "git", "gc", "-q", "--prune=now");
      w.converged("git-gc");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void rsyncIntoTheSourceThenInplace(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      byte[] tree = w.work("tree");
      Workload.sampleTree(tree);
      w.start();
      Workload.run(w.src, "rsync", "-a", Bytes.latin1(tree) + "/", "mirror/");
      w.converged("rsync-a");
      Workload.run(tree, "sh", "-ec", "for f in d*/sub*/f1*.dat; do printf 'changed in place' | dd of=$f conv=notrunc status=none; done; touch -d @1500000000 etc/secret.conf");
      Workload.run(w.src, "rsync", "-a", "--inplace", "--no-whole-file", Bytes.latin1(tree) + "/", "mirror/");
      w.converged("rsync-inplace");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void cpAThenCpAl(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      Workload.sampleTree(w.work("tree"));
      w.start();
      Workload.run(w.src, "cp", "-a", Bytes.latin1(w.work("tree")), "copy");
      w.converged("cp-a");
      Workload.run(w.src, "cp", "-al", "copy", "linked");
      w.converged("cp-al");
    }
  }
}
