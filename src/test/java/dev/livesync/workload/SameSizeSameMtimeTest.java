package dev.livesync.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.workload.Workload.Kind;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A file whose new content has the size and mtime of the old (dpkg, tar and {@code cp -p} set mtimes
 * from an archive; a version string changes a digit): rsync's quick check alone would call it
 * unchanged, so a written file is compared by content. A file whose attributes alone changed is not
 * sent again.
 */
class SameSizeSameMtimeTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
  static final String MTIME = "@1700000000";

  @ParameterizedTest
  @EnumSource(Kind.class)
  void newContentUnderTheOldSizeAndMtimeArrives(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      w.sh("mkdir etc; printf 'version 1' > etc/version; touch -d $0 etc/version", MTIME);
      w.start();
      w.awaitEqual();
      // written in place, the mtime set back (cp -p, tar over an existing file)
      w.sh("printf 'version 2' > etc/version; touch -d $0 etc/version", MTIME);
      w.converged("same-size-mtime-write");
      // written beside and renamed over it (dpkg's NAME.dpkg-new)
      w.sh("printf 'version 3' > etc/version.dpkg-new; touch -d $0 etc/version.dpkg-new; mv etc/version.dpkg-new etc/version", MTIME);
      w.converged("same-size-mtime-rename");
      // the same with the old copy renamed away first, as an editor's backup does
      w.sh("printf 'version 4' > etc/.version.tmp; touch -d $0 etc/.version.tmp; mv etc/version etc/version~; mv etc/.version.tmp etc/version", MTIME);
      w.converged("same-size-mtime-backup");
    }
  }

  /** chmod alone: the target's copy gets the mode and keeps its inode (rsync rewrote nothing). */
  @Test
  void aChmodAloneIsNotSentAgain() throws Exception {
    try (var w = Workload.of(Kind.LOCAL, SSHD)) {
      w.sh("mkdir etc; head -c 100000 /dev/urandom > etc/data; touch -d $0 etc/data", MTIME);
      w.start();
      w.awaitEqual();
      var copy = Trees.path(Bytes.child(w.dst, Bytes.of("etc/data")));
      Object inode = Files.getAttribute(copy, "unix:ino");
      w.sh("chmod 600 etc/data");
      w.converged("chmod");
      assertThat(Files.getAttribute(copy, "unix:ino")).as("the target's copy was written again").isEqualTo(inode);
    }
  }
}
