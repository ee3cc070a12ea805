package dev.livesync.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.SshdPerClass;
import dev.livesync.testing.Trees;
import dev.livesync.workload.Workload.Kind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sparse files (a VM image, {@code truncate -s}, {@code cp --sparse=always}) stay sparse on every
 * kind of target: a 256 MiB file of holes with a little data used to take its whole length on each
 * backup, and its zeros crossed the wire.
 */
class SparseFilesTest {
  @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();

  /** Bytes allocated to {@code file} (stat's blocks of 512). */
  static long allocated(byte[] file) throws Exception {
    return Long.parseLong(Workload.run(Trees.bytes(Trees.path(file).getParent()), "stat", "-c", "%b", Bytes.latin1(file)).strip()) * 512;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aSparseFileStaysSparseOnTheTarget(Kind kind) throws Exception {
    try (var w = Workload.of(kind, SSHD)) {
      w.start();
      w.awaitEqual();
      w.sh("truncate -s 256M disk.img; printf 'boot' | dd of=disk.img bs=1 seek=128M conv=notrunc status=none; "
          + "cp --sparse=always disk.img copy.img");
      w.converged("sparse");
      for (String name : new String[] {"disk.img", "copy.img"}) {
        assertThat(allocated(Trees.at(w.dst, name))).as(name + " allocated at the target (the source: " + allocated(w.src(name)) + ")")
            .isLessThan(16L << 20);
      }
    }
  }
}
