package dev.livesync.workload;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.workload.Workload.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tools that change a tree in place, run for real in a watched source (sed, vim, logrotate, dpkg,
 * coreutils); after each the target equals the source — bytes, symlinks, modes, mtimes, owners —
 * within {@link dev.livesync.testing.Await#CONVERGE}. Time to converge: scripts/bench-tools.
 */
class EditToolsTest {
  /** For the ssh kind, which runs a few representative tools (the transport is the same rsync). */
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();

  private static Workload started(Kind kind) throws Exception {
    var w = Workload.of(kind, SSHD);
    Workload.sampleTree(w.src("tree"), false);
    w.start();
    w.awaitEqual();
    return w;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void sedInPlace(Kind kind) throws Exception {
    try (var w = started(kind)) {
      w.sh("printf 'alpha\\nbeta\\n' > tree/etc/a.conf; printf 'x = 1\\n' > tree/etc/b.conf");
      w.awaitEqual();
      w.sh("sed -i 's/beta/gamma/; s/x = 1/x = 2/' tree/etc/a.conf tree/etc/b.conf tree/etc/secret.conf");
      w.converged("sed-i");
    }
  }

  /** vim with a backup file: the original is renamed to NAME~, the new text written under NAME. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void editorSafeSaveWithBackup(Kind kind) throws Exception {
    try (var w = started(kind)) {
      w.sh("printf 'line one\\nline two\\n' > tree/notes.txt");
      w.awaitEqual();
      w.sh("vim -Nes -u NONE -i NONE -c 'set backup writebackup backupcopy=no' -c '%s/two/2/' -c 'wq' tree/notes.txt < /dev/null");
      w.converged("vim-save");
      // the same by hand, as GUI editors do: temp file, fsync, rename over, backup beside
      w.sh("cp -p tree/etc/secret.conf tree/etc/secret.conf~; printf 'key = new\\n' > tree/etc/.secret.conf.tmp;"
          + " chmod 600 tree/etc/.secret.conf.tmp; sync tree/etc/.secret.conf.tmp; mv tree/etc/.secret.conf.tmp tree/etc/secret.conf");
      w.converged("safe-save");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void logrotateCopytruncateAndRenameCreate(Kind kind) throws Exception {
    try (var w = started(kind)) {
      String logs = Bytes.latin1(w.src("logs"));
      Trees.write(w.work("logrotate.conf"), logs + "/app.log {\n  rotate 3\n  copytruncate\n  nocompress\n}\n"
          + logs + "/web.log {\n  rotate 3\n  create 0640 root root\n  nocompress\n}\n");
      w.sh("mkdir logs; for i in $(seq 1 500); do echo \"app line $i\" >> logs/app.log; echo \"web line $i\" >> logs/web.log; done");
      w.awaitEqual();
      for (int round = 0; round < 3; round++) {
        Workload.run(w.work, "/usr/sbin/logrotate", "-f", "-s", Bytes.latin1(w.work("state")), "logrotate.conf");
        w.converged("logrotate");
        w.sh("for i in $(seq 1 50); do echo \"more $i\" >> logs/app.log; echo \"more $i\" >> logs/web.log; done");
        w.awaitEqual();
      }
    }
  }

  /** Real dpkg into a root below the source: NAME.dpkg-new written, then renamed over NAME. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void dpkgInstallThenUpgrade(Kind kind) throws Exception {
    try (var w = started(kind)) {
      for (int v = 1; v <= 2; v++) {
        byte[] pkg = w.work("pkg" + v);
        Workload.sampleTree(Trees.at(pkg, "usr/share/foo"));
        Trees.write(Trees.at(pkg, "usr/share/foo/version"), "version " + v);
        Trees.write(Trees.at(pkg, "DEBIAN/control"), "Package: foo\nVersion: " + v + "\nArchitecture: all\nMaintainer: t <t@t.invalid>\nDescription: test\n");
        Workload.run(w.work, "dpkg-deb", "-b", "--root-owner-group", "pkg" + v, "foo" + v + ".deb");
      }
      w.sh("mkdir -p root/var/lib/dpkg/updates root/var/lib/dpkg/info; : > root/var/lib/dpkg/status");
      w.awaitEqual();
      for (int v = 1; v <= 2; v++) {
        Workload.run(w.src, "dpkg", "--root=" + Bytes.latin1(w.src("root")), "--force-not-root", "--force-bad-path", "--log=/dev/null",
            "-i", Bytes.latin1(w.work("foo" + v + ".deb")));
        w.converged("dpkg-i");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void mvOfDirectoriesInOutAndWithin(Kind kind) throws Exception {
    try (var w = started(kind)) {
      Workload.sampleTree(w.work("incoming"));
      w.sh("mv \"$0\" incoming", Bytes.latin1(w.work("incoming")));
      w.converged("mv-in");
      w.sh("mv tree/d1 \"$0\"", Bytes.latin1(w.work("outgoing")));
      w.converged("mv-out");
      w.sh("mv tree/d2 incoming/d2-moved; mv incoming tree/incoming-now");
      w.converged("mv-within");
    }
  }

  /**
   * Names exchanged in one step (renameat2's RENAME_EXCHANGE, as {@code mv --exchange} and
   * {@code exch} do it): a release directory swapped with the live one, a directory with a file in
   * another directory (the directory named first, then the file), a directory with a symlink; then
   * writes into the exchanged directories under their new names.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void namesExchangedInOneStep(Kind kind) throws Exception {
    try (var w = started(kind)) {
      w.sh("mkdir -p tree/releases/new; cp -a tree/d0/. tree/releases/new/; echo v2 > tree/releases/new/VERSION; cp -a tree/d3 tree/current");
      w.converged("exchange-setup");
      Trees.exchange(w.src("tree/releases/new"), w.src("tree/current"));
      w.converged("exchange-dirs");
      Trees.exchange(w.src("tree/d1"), w.src("tree/bin/run.sh"));
      w.converged("exchange-dir-file");
      Trees.exchange(w.src("tree/d1"), w.src("tree/bin/run.sh"));
      w.converged("exchange-file-dir");
      Trees.exchange(w.src("tree/d2"), w.src("tree/links/up0"));
      w.converged("exchange-dir-symlink");
      w.sh("echo after > tree/links/up0/sub0/after; echo after > tree/current/sub1/after; rm -r tree/releases/new/sub2");
      w.converged("exchange-writes-after");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void rmRfOfASubtree(Kind kind) throws Exception {
    try (var w = started(kind)) {
      w.sh("rm -rf tree/d0 tree/links");
      w.converged("rm-rf");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void chmodAndChownRecursive(Kind kind) throws Exception {
    try (var w = started(kind)) {
      w.sh("chmod -R go-rwx tree/d1");
      w.converged("chmod-R");
      w.sh("chown -R 65534:65534 tree/d2; chown -h 65534:65534 tree/links/up1");
      w.converged("chown-R");
    }
  }

  /**
   * Directories made, chmod'ed or touched in the same breath as a write below them: a batch leaves
   * such a directory out when it holds a path below it (rsync carries it as that path's parent), so
   * a send that starts below the top for a cheaper walk on the target must start above it.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void directoriesChangedRightAboveAWrite(Kind kind) throws Exception {
    try (var w = started(kind)) {
      w.sh("mkdir -p tree/new/b/c/d; echo hi > tree/new/b/c/d/e; ln -s ../e tree/new/b/c/d/l; chmod 700 tree/new/b;"
          + " touch -d '2001-01-01' tree/new/b/c");
      w.converged("mkdir-p");
      w.sh("chmod 750 tree/d1; touch -d '2002-02-02' tree/d1; echo z > tree/d1/sub0/new1.dat; echo y > tree/d1/sub0/new2.dat");
      w.converged("chmod-above-write");
      w.sh("mkdir tree/d2/sub0/x; echo w > tree/d2/sub0/x/f; touch -d '2003-03-03' tree/d2/sub0");
      w.converged("mkdir-in-touched");
    }
  }

  /**
   * Files written whole again and again, faster than the batch delay: a heartbeat rewritten every
   * 100 ms, a log a shell appends to ({@code >>}) every 20 ms. Each write's close_write has a complete
   * version to ship: one reaches the target while the writing goes on (it used to wait until the
   * writer stopped, each new write holding the file again before its batch came due).
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void filesRewrittenFasterThanTheDelayArriveWhileTheWritingGoesOn(Kind kind) throws Exception {
    try (var w = started(kind)) {
      var writer = new ProcessBuilder("sh", "-c", "(for i in $(seq 1 100); do echo \"beat $i\" > tree/heartbeat; sleep 0.1; done) & "
          + "for i in $(seq 1 400); do echo \"line $i\" >> tree/app.log; sleep 0.02; done; wait")
          .directory(Trees.path(w.src("")).toFile()).redirectErrorStream(true).start();
      try {
        dev.livesync.testing.Await.until("a heartbeat and a log at the target while the writer still writes", dev.livesync.testing.Await.CONVERGE,
            () -> Trees.exists(Trees.at(w.dst, "tree/heartbeat")) && Trees.exists(Trees.at(w.dst, "tree/app.log")),
            () -> !writer.isAlive(), () -> "writer alive: " + writer.isAlive());
        if (!writer.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) throw new AssertionError("the writer did not end");
      } finally {
        writer.destroyForcibly();
      }
      w.converged("rewritten-often");
    }
  }

  /** touch -d sets both times (ATTRIB); touch -m -d only the mtime, which inotify reports as MODIFY. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void touchOfMtimesOnly(Kind kind) throws Exception {
    try (var w = started(kind)) {
      w.sh("touch -d '2001-02-03 04:05:06' tree/d0/sub*/*.dat");
      w.converged("touch-d");
      w.sh("touch -m -d '2002-03-04 05:06:07' tree/d1/sub*/*.dat; touch -h -m -d '2003-01-01' tree/links/up*");
      w.converged("touch-m-d");
    }
  }
}
